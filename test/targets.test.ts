import { create } from "@bufbuild/protobuf";
import { DurationSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TargetFieldName } from "../gen/zitadel/action/v2/query_pb.js";
import { PayloadType } from "../gen/zitadel/action/v2/target_pb.js";
import { TextFilterMethod } from "../gen/zitadel/filter/v2/filter_pb.js";
import type { ActionsClient } from "../src/client.js";
import type { CreateTargetInput, UpdateTargetInput } from "../src/targets.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;
let client: ActionsClient;
const created = new Date("2030-01-02T03:04:05.678Z");
const changed = new Date("2030-02-03T04:05:06.789Z");

beforeAll(async () => {
  server = await startRecordingServer();
  client = server.client();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const base: CreateTargetInput = {
  name: "audit",
  endpoint: "https://hooks.example.com/audit",
  type: "webhook",
  timeout: "10s",
};

describe("createTarget", () => {
  it("sends the friendly input as a CreateTargetRequest and returns id, date and signing key", async () => {
    server.handle("createTarget", () => ({
      id: "69629012906488334",
      creationDate: timestampFromDate(created),
      signingKey: "k".repeat(36),
    }));
    const result = await client.createTarget({
      ...base,
      interruptOnError: true,
      payloadType: "jwt",
    });
    expect(result).toEqual({
      id: "69629012906488334",
      creationDate: created,
      signingKey: "k".repeat(36),
    });
    const [call] = server.callsOf("createTarget");
    expect(call?.request.name).toBe("audit");
    expect(call?.request.endpoint).toBe("https://hooks.example.com/audit");
    expect(call?.request.targetType.case).toBe("restWebhook");
    expect(call?.request.targetType.value).toMatchObject({ interruptOnError: true });
    expect(call?.request.timeout).toMatchObject({ seconds: 10n, nanos: 0 });
    expect(call?.request.payloadType).toBe(PayloadType.JWT);
  });

  it.each([
    ["call", "restCall", 1500, 1n, 500_000_000],
    ["async", "restAsync", "4m30s", 270n, 0],
    ["WEBHOOK", "restWebhook", "500ms", 0n, 500_000_000],
  ] as const)("maps type %s to %s and timeout %o exactly", async (type, oneof, timeout, s, n) => {
    await client.createTarget({ ...base, type: type as "call", timeout });
    const [call] = server.callsOf("createTarget");
    expect(call?.request.targetType.case).toBe(oneof);
    expect(call?.request.timeout).toMatchObject({ seconds: s, nanos: n });
    expect(call?.request.payloadType).toBe(PayloadType.UNSPECIFIED);
  });

  const invalid: [string, Partial<Record<keyof CreateTargetInput, unknown>>, RegExp][] = [
    ["missing timeout", { timeout: undefined }, /^timeout: is required/],
    ["zero timeout", { timeout: 0 }, /^timeout: must be more than 0/],
    ["timeout above 270 s", { timeout: "270.000000001s" }, /^timeout: must be at most 270s/],
    ["timeout of 5 minutes", { timeout: "5m" }, /^timeout: must be at most 270s/],
    ["negative timeout", { timeout: -1 }, /^timeout: must not be negative/],
    ["NaN timeout", { timeout: Number.NaN }, /^timeout: .*NaN/],
    ["timeout 10x", { timeout: "10x" }, /^timeout: must be milliseconds/],
    ["empty name", { name: "" }, /^name: must be 1 to 1000 characters/],
    ["name of 1001 chars", { name: "n".repeat(1001) }, /^name: must be 1 to 1000 characters/],
    ["empty endpoint", { endpoint: "" }, /^endpoint: must be 1 to 2048 characters/],
    [
      "endpoint of 2049 chars",
      { endpoint: `https://e.com/${"a".repeat(2035)}` },
      /^endpoint: must be 1 to 2048/,
    ],
    ["relative endpoint", { endpoint: "/hooks/audit" }, /^endpoint: must be an absolute URL/],
    ["missing type", { type: undefined }, /^type: is required/],
    ["unknown type", { type: "grpc" }, /^type: must be one of "webhook", "call" or "async"/],
    ["interruptOnError on async", { type: "async", interruptOnError: true }, /^interruptOnError: /],
    ["unknown payload type", { payloadType: "xml" }, /^payloadType: must be one of/],
  ];
  it.each(invalid)("rejects %s before sending", async (_name, patch, rule) => {
    const input = { ...base, ...patch } as CreateTargetInput;
    const error = await client.createTarget(input).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });

  it("accepts a 270 s timeout and a 1000-character name", async () => {
    await client.createTarget({ ...base, name: "n".repeat(1000), timeout: 270_000 });
    expect(server.callsOf("createTarget")[0]?.request.timeout?.seconds).toBe(270n);
  });

  it("does not echo the endpoint in its error (it may carry a secret)", async () => {
    const error = await client
      .createTarget({ ...base, endpoint: "not a url?token=s3cr3t" })
      .catch((err: unknown) => err);
    expect(String(error)).not.toContain("s3cr3t");
  });
});

describe("updateTarget", () => {
  it("sends only the given fields and returns the change date and rotated key", async () => {
    server.handle("updateTarget", () => ({
      changeDate: timestampFromDate(changed),
      signingKey: "n".repeat(36),
    }));
    const result = await client.updateTarget({
      id: "t1",
      timeout: 30_000,
      type: "call",
      interruptOnError: true,
      expirationSigningKey: 0,
    });
    expect(result).toEqual({ changeDate: changed, signingKey: "n".repeat(36) });
    const [call] = server.callsOf("updateTarget");
    expect(call?.request.id).toBe("t1");
    expect(call?.request.name).toBeUndefined();
    expect(call?.request.endpoint).toBeUndefined();
    expect(call?.request.timeout).toMatchObject({ seconds: 30n, nanos: 0 });
    expect(call?.request.targetType).toMatchObject({
      case: "restCall",
      value: { interruptOnError: true },
    });
    expect(call?.request.expirationSigningKey).toMatchObject({ seconds: 0n, nanos: 0 });
    expect(call?.request.payloadType).toBe(PayloadType.UNSPECIFIED);
  });

  it("leaves the signing key out of the result when it was not rotated", async () => {
    server.handle("updateTarget", () => ({ changeDate: timestampFromDate(changed) }));
    const result = await client.updateTarget({ id: "t1", name: "renamed", payloadType: "JWE" });
    expect(result).toEqual({ changeDate: changed });
    const [call] = server.callsOf("updateTarget");
    expect(call?.request.name).toBe("renamed");
    expect(call?.request.targetType.case).toBeUndefined();
    expect(call?.request.expirationSigningKey).toBeUndefined();
    expect(call?.request.payloadType).toBe(PayloadType.JWE);
  });

  const invalid: [string, Partial<Record<keyof UpdateTargetInput, unknown>>, RegExp][] = [
    ["empty id", { id: "" }, /^id: must be a non-empty id/],
    [
      "expirationSigningKey other than 0",
      { expirationSigningKey: "1s" },
      /^expirationSigningKey: must be 0/,
    ],
    [
      "expirationSigningKey of 1 ns",
      { expirationSigningKey: "1ns" },
      /^expirationSigningKey: must be 0/,
    ],
    ["timeout above 270 s", { timeout: 270_001 }, /^timeout: must be at most 270s/],
    ["empty name", { name: "" }, /^name: /],
    ["bad endpoint", { endpoint: "example.com" }, /^endpoint: must be an absolute URL/],
    [
      "interruptOnError without type",
      { interruptOnError: true },
      /^interruptOnError: needs `type`/,
    ],
    ["unknown payload type", { payloadType: 1.5 }, /^payloadType: /],
  ];
  it.each(invalid)("rejects %s before sending", async (_name, patch, rule) => {
    const input = { id: "t1", ...patch } as UpdateTargetInput;
    const error = (await client.updateTarget(input).catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});

describe("deleteTarget", () => {
  it("returns the deletion date, or none for an unknown id", async () => {
    server.handle("deleteTarget", (request) =>
      request.id === "t1" ? { deletionDate: timestampFromDate(changed) } : {},
    );
    expect(await client.deleteTarget({ id: "t1" })).toEqual({ deletionDate: changed });
    expect(await client.deleteTarget({ id: "unknown" })).toEqual({ deletionDate: undefined });
    expect(server.callsOf("deleteTarget").map((call) => call.request.id)).toEqual([
      "t1",
      "unknown",
    ]);
  });

  it("rejects an empty id before sending", async () => {
    await expect(client.deleteTarget({ id: "" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "id: must be a non-empty id",
    });
    expect(server.calls).toHaveLength(0);
  });
});

describe("getTarget", () => {
  it("returns the friendly Target", async () => {
    server.handle("getTarget", (request) => ({
      target: {
        id: request.id,
        name: "audit",
        endpoint: "https://hooks.example.com/audit",
        targetType: { case: "restCall", value: { interruptOnError: true } },
        timeout: create(DurationSchema, { seconds: 1n, nanos: 500_000_000 }),
        payloadType: PayloadType.JWE,
        signingKey: "s".repeat(36),
        creationDate: timestampFromDate(created),
        changeDate: timestampFromDate(changed),
      },
    }));
    expect(await client.getTarget({ id: "t1" })).toEqual({
      id: "t1",
      name: "audit",
      endpoint: "https://hooks.example.com/audit",
      type: "call",
      interruptOnError: true,
      timeout: 1500,
      payloadType: "JWE",
      signingKey: "s".repeat(36),
      creationDate: created,
      changeDate: changed,
    });
    expect(server.callsOf("getTarget")[0]?.request.id).toBe("t1");
  });

  it("passes an unknown payload type number (99) through as 99", async () => {
    server.handle("getTarget", () => ({
      target: {
        id: "t1",
        targetType: { case: "restAsync", value: {} },
        payloadType: 99 as PayloadType,
      },
    }));
    const target = await client.getTarget({ id: "t1" });
    expect(target.payloadType).toBe(99);
    expect(target.type).toBe("async");
    expect(target.interruptOnError).toBe(false);
    expect(target.creationDate).toBeUndefined();
  });

  it("rejects with the server's status", async () => {
    server.handle("getTarget", () => {
      throw new ConnectError("Target not found (QUERY-hj5oaniyrz)", Code.NotFound);
    });
    await expect(client.getTarget({ id: "missing" })).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });
});

describe("listTargets", () => {
  it("sends friendly filters, sort and order as received by the server", async () => {
    server.handle("listTargets", () => ({
      pagination: { totalResult: 1n, appliedLimit: 50n },
      targets: [{ id: "t1", name: "audit", targetType: { case: "restWebhook", value: {} } }],
    }));
    const targets = await client
      .listTargets({
        name: { contains: "AUD", ignoreCase: true },
        ids: ["t1", "t2"],
        sortBy: "name",
        asc: true,
        pageSize: 50,
        offset: 10,
      })
      .toArray();
    expect(targets.map((target) => [target.id, target.type])).toEqual([["t1", "webhook"]]);
    const [call] = server.callsOf("listTargets");
    expect(call?.request.pagination).toMatchObject({ offset: 10n, limit: 50, asc: true });
    expect(call?.request.sortingColumn).toBe(TargetFieldName.NAME);
    expect(call?.request.filters.map((filter) => filter.filter)).toMatchObject([
      {
        case: "targetNameFilter",
        value: { targetName: "AUD", method: TextFilterMethod.CONTAINS_IGNORE_CASE },
      },
      { case: "inTargetIdsFilter", value: { targetIds: ["t1", "t2"] } },
    ]);
  });

  it("sends no sort column and descending order by default", async () => {
    await client.listTargets({ name: "audit" }).toArray();
    const [call] = server.callsOf("listTargets");
    expect(call?.request.sortingColumn).toBeUndefined();
    expect(call?.request.pagination).toMatchObject({ offset: 0n, limit: 100, asc: false });
    expect(call?.request.filters[0]?.filter).toMatchObject({
      case: "targetNameFilter",
      value: { targetName: "audit", method: TextFilterMethod.EQUALS },
    });
  });

  it.each([
    [{ ids: [] }, /^ids: must be a non-empty array/],
    [{ ids: [""] }, /^ids\[0\]: must be a non-empty id/],
    [{ sortBy: "color" }, /^sortBy: must be one of/],
    [
      { name: { contains: "a", startsWith: "b" } },
      /^name: must be a string or an object with exactly one/,
    ],
    [{ pageSize: 1001 }, /^pageSize: must be a whole number from 1 to 1000/],
  ])("rejects %o before sending", async (query, rule) => {
    const error = (await client
      .listTargets(query as never)
      .toArray()
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});
