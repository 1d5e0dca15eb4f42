import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ExecutionFieldName, ExecutionType } from "../gen/zitadel/action/v2/query_pb.js";
import type { ActionsClient } from "../src/client.js";
import { type Condition, conditionFromInput, conditionFromMessage } from "../src/executions.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;
let client: ActionsClient;
const setDate = new Date("2030-03-04T05:06:07.000Z");

beforeAll(async () => {
  server = await startRecordingServer();
  client = server.client();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const method = "/zitadel.user.v2.UserService/AddHumanUser";
const conditions: [string, Condition, unknown, Condition][] = [
  [
    "request method",
    { request: { method } },
    { case: "request", value: { condition: { case: "method", value: method } } },
    { request: { method } },
  ],
  [
    "request method without leading slash",
    { request: { method: method.slice(1) } },
    { case: "request", value: { condition: { case: "method", value: method } } },
    { request: { method } },
  ],
  [
    "request service",
    { request: { service: "zitadel.user.v2.UserService" } },
    {
      case: "request",
      value: { condition: { case: "service", value: "zitadel.user.v2.UserService" } },
    },
    { request: { service: "zitadel.user.v2.UserService" } },
  ],
  [
    "request all",
    { request: { all: true } },
    { case: "request", value: { condition: { case: "all", value: true } } },
    { request: { all: true } },
  ],
  [
    "response method",
    { response: { method } },
    { case: "response", value: { condition: { case: "method", value: method } } },
    { response: { method } },
  ],
  [
    "response all",
    { response: { all: true } },
    { case: "response", value: { condition: { case: "all", value: true } } },
    { response: { all: true } },
  ],
  [
    "function",
    { function: "preaccesstoken" },
    { case: "function", value: { name: "preaccesstoken" } },
    { function: "preaccesstoken" },
  ],
  [
    "event",
    { event: { event: "user.human.added" } },
    { case: "event", value: { condition: { case: "event", value: "user.human.added" } } },
    { event: { event: "user.human.added" } },
  ],
  [
    "event group",
    { event: { group: "user" } },
    { case: "event", value: { condition: { case: "group", value: "user" } } },
    { event: { group: "user" } },
  ],
  [
    "event all",
    { event: { all: true } },
    { case: "event", value: { condition: { case: "all", value: true } } },
    { event: { all: true } },
  ],
];

describe("setExecution", () => {
  it.each(conditions)("sends a %s condition as received by the server", async (_n, input, wire) => {
    server.handle("setExecution", () => ({ setDate: timestampFromDate(setDate) }));
    const result = await client.setExecution({ condition: input, targets: ["t1", "t2"] });
    expect(result).toEqual({ setDate });
    const [call] = server.callsOf("setExecution");
    expect(call?.request.condition?.conditionType).toMatchObject(wire as object);
    expect(call?.request.targets).toEqual(["t1", "t2"]);
  });

  it("sends an empty target list (which removes the execution)", async () => {
    await client.setExecution({ condition: { request: { all: true } }, targets: [] });
    expect(server.callsOf("setExecution")[0]?.request.targets).toEqual([]);
  });

  const invalid: [string, unknown, RegExp][] = [
    ["a missing condition", undefined, /^condition: must be one of/],
    [
      "an empty condition",
      {},
      /^condition: must have exactly one of request, response, function or event, got none/,
    ],
    ["two kinds", { request: { all: true }, event: { all: true } }, /got request and event/],
    [
      "an empty request",
      { request: {} },
      /^condition\.request: must have exactly one of method, service, all/,
    ],
    [
      "an empty method",
      { request: { method: "" } },
      /^condition\.request\.method: must be a non-empty/,
    ],
    [
      "a bare slash",
      { request: { method: "/" } },
      /^condition\.request\.method: must be a non-empty/,
    ],
    ["all: false", { response: { all: false } }, /^condition\.response\.all: must be true/],
    ["an empty function", { function: "" }, /^condition\.function: must be a non-empty/],
    [
      "an empty event group",
      { event: { group: " " } },
      /^condition\.event\.group: must be a non-empty/,
    ],
    ["a long event", { event: { event: "e".repeat(1001) } }, /at most 1000 characters/],
  ];
  it.each(invalid)("rejects %s before sending", async (_name, condition, rule) => {
    const error = (await client
      .setExecution({ condition: condition as Condition, targets: ["t1"] })
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });

  it("rejects an empty target id before sending", async () => {
    await expect(
      client.setExecution({ condition: { request: { all: true } }, targets: ["t1", ""] }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "targets[1]: must be a non-empty id",
    });
    expect(server.calls).toHaveLength(0);
  });
});

describe("conditionFromInput / conditionFromMessage", () => {
  it.each(conditions)("round-trips a %s condition", (_n, input, _wire, output) => {
    const init = conditionFromInput(input);
    expect(conditionFromMessage(init as never)).toEqual(output);
  });

  it("returns undefined for a condition kind it does not know", () => {
    expect(conditionFromMessage(undefined)).toBeUndefined();
    expect(conditionFromMessage({ conditionType: { case: undefined } } as never)).toBeUndefined();
  });
});

describe("listExecutions", () => {
  it("sends condition, type and target filters and returns friendly executions", async () => {
    server.handle("listExecutions", () => ({
      pagination: { totalResult: 2n, appliedLimit: 100n },
      executions: [
        {
          condition: { conditionType: { case: "function", value: { name: "preuserinfo" } } },
          creationDate: timestampFromDate(setDate),
          changeDate: timestampFromDate(setDate),
          targets: ["t1"],
        },
        {
          condition: {
            conditionType: {
              case: "request",
              value: { condition: { case: "method", value: method } },
            },
          },
          targets: ["t1", "t2"],
        },
      ],
    }));
    const executions = await client
      .listExecutions({
        condition: { function: "preuserinfo" },
        conditions: [{ request: { method: method.slice(1) } }],
        type: "function",
        target: "t1",
        sortBy: "ID",
        asc: true,
      })
      .toArray();
    expect(executions).toEqual([
      {
        condition: { function: "preuserinfo" },
        creationDate: setDate,
        changeDate: setDate,
        targets: ["t1"],
      },
      {
        condition: { request: { method } },
        creationDate: undefined,
        changeDate: undefined,
        targets: ["t1", "t2"],
      },
    ]);
    const [call] = server.callsOf("listExecutions");
    expect(call?.request.sortingColumn).toBe(ExecutionFieldName.ID);
    expect(call?.request.pagination).toMatchObject({ offset: 0n, limit: 100, asc: true });
    expect(call?.request.filters.map((filter) => filter.filter)).toMatchObject([
      {
        case: "inConditionsFilter",
        value: {
          conditions: [
            { conditionType: { case: "function", value: { name: "preuserinfo" } } },
            {
              conditionType: {
                case: "request",
                value: { condition: { case: "method", value: method } },
              },
            },
          ],
        },
      },
      { case: "executionTypeFilter", value: { executionType: ExecutionType.FUNCTION } },
      { case: "targetFilter", value: { targetId: "t1" } },
    ]);
  });

  it.each([
    [{ type: "webhook" }, /^type: must be one of/],
    [{ conditions: [] }, /^conditions: must be a non-empty array/],
    [{ conditions: [{}] }, /^conditions\[0\]: must have exactly one/],
    [{ target: "" }, /^target: must be a non-empty id/],
  ])("rejects %o before sending", async (query, rule) => {
    const error = (await client
      .listExecutions(query as never)
      .toArray()
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});

describe("listExecutionFunctions / Methods / Services", () => {
  it("return the server's string lists", async () => {
    server.handle("listExecutionFunctions", () => ({
      functions: ["preaccesstoken", "presamlresponse", "preuserinfo"],
    }));
    server.handle("listExecutionMethods", () => ({ methods: [method] }));
    server.handle("listExecutionServices", () => ({ services: ["zitadel.user.v2.UserService"] }));
    expect(await client.listExecutionFunctions()).toEqual([
      "preaccesstoken",
      "presamlresponse",
      "preuserinfo",
    ]);
    expect(await client.listExecutionMethods({})).toEqual([method]);
    expect(await client.listExecutionServices()).toEqual(["zitadel.user.v2.UserService"]);
    expect(server.calls.map((call) => call.method)).toEqual([
      "listExecutionFunctions",
      "listExecutionMethods",
      "listExecutionServices",
    ]);
  });
});
