import { create } from "@bufbuild/protobuf";
import { DurationSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ActionFieldName, ActionState } from "../gen/zitadel/action_pb.js";
import { TextQueryMethod } from "../gen/zitadel/object_pb.js";
import type { ActionsClient } from "../src/client.js";
import type { TextMatch } from "../src/enums.js";
import { createActionsTransport } from "../src/node.js";
import type { CreateActionInput } from "../src/v1.js";
import { createActionsV1Client } from "../src/v1-client.js";
import { type RecordingServer, startRecordingServer } from "./helpers/recording-server.js";

let server: RecordingServer;
let client: ActionsClient;
const created = new Date("2030-01-02T03:04:05.000Z");
const changed = new Date("2030-01-03T03:04:05.000Z");
const wireDetails = {
  sequence: 42n,
  creationDate: timestampFromDate(created),
  changeDate: timestampFromDate(changed),
  resourceOwner: "org-1",
};
const details = {
  sequence: 42,
  creationDate: created,
  changeDate: changed,
  resourceOwner: "org-1",
};

beforeAll(async () => {
  server = await startRecordingServer();
  client = server.client();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const script = "function addClaim(ctx, api) { api.v1.claims.setClaim('x', 1) }";

describe("v1 action CRUD", () => {
  it("createAction sends name, script, timeout and allowedToFail and returns id and details", async () => {
    server.handle("createAction", () => ({ id: "a1", details: wireDetails }));
    const result = await client.v1.createAction({
      name: "addClaim",
      script,
      timeout: "5s",
      allowedToFail: true,
    });
    expect(result).toEqual({ id: "a1", details });
    const [call] = server.callsOf("createAction");
    expect(call?.request).toMatchObject({ name: "addClaim", script, allowedToFail: true });
    expect(call?.request.timeout).toMatchObject({ seconds: 5n, nanos: 0 });
  });

  it("createAction leaves timeout unset and allowedToFail false by default", async () => {
    await client.v1.createAction({ name: "addClaim", script });
    const [call] = server.callsOf("createAction");
    expect(call?.request.timeout).toBeUndefined();
    expect(call?.request.allowedToFail).toBe(false);
  });

  it("updateAction sends the full replacement", async () => {
    server.handle("updateAction", () => ({ details: wireDetails }));
    const result = await client.v1.updateAction({
      id: "a1",
      name: "renamed",
      script,
      timeout: 20_000,
    });
    expect(result).toEqual({ details });
    const [call] = server.callsOf("updateAction");
    expect(call?.request).toMatchObject({
      id: "a1",
      name: "renamed",
      script,
      allowedToFail: false,
    });
    expect(call?.request.timeout).toMatchObject({ seconds: 20n });
  });

  it("getAction returns the friendly action", async () => {
    server.handle("getAction", (request) => ({
      action: {
        id: request.id,
        name: "addClaim",
        script,
        timeout: create(DurationSchema, { seconds: 2n, nanos: 500_000_000 }),
        allowedToFail: true,
        state: ActionState.INACTIVE,
        details: wireDetails,
      },
    }));
    expect(await client.v1.getAction({ id: "a1" })).toEqual({
      id: "a1",
      name: "addClaim",
      script,
      timeout: 2500,
      allowedToFail: true,
      state: "INACTIVE",
      details,
    });
    expect(server.callsOf("getAction")[0]?.request.id).toBe("a1");
  });

  it("getAction passes an unknown state number through", async () => {
    server.handle("getAction", () => ({ action: { id: "a1", state: 99 as ActionState } }));
    const action = await client.v1.getAction({ id: "a1" });
    expect(action.state).toBe(99);
    expect(action.details).toBeUndefined();
  });

  it("deactivateAction, reactivateAction and deleteAction send the id", async () => {
    server.handle("deactivateAction", () => ({ details: wireDetails }));
    server.handle("reactivateAction", () => ({ details: wireDetails }));
    expect(await client.v1.deactivateAction({ id: "a1" })).toEqual({ details });
    expect(await client.v1.reactivateAction({ id: "a1" })).toEqual({ details });
    expect(await client.v1.deleteAction({ id: "a1" })).toBeUndefined();
    expect(server.calls.map((call) => [call.method, (call.request as { id: string }).id])).toEqual([
      ["deactivateAction", "a1"],
      ["reactivateAction", "a1"],
      ["deleteAction", "a1"],
    ]);
  });
});

describe("v1 validation", () => {
  const base: CreateActionInput = { name: "addClaim", script };
  const invalid: [string, Partial<Record<keyof CreateActionInput, unknown>>, RegExp][] = [
    ["an empty name", { name: "" }, /^name: must be 1 to 200 characters long, got 0/],
    ["a 201-character name", { name: "n".repeat(201) }, /^name: must be 1 to 200 characters/],
    ["an empty script", { script: "" }, /^script: must be a non-empty string/],
    ["a 40001-byte script", { script: "x".repeat(40_001) }, /^script: must be at most 40000 bytes/],
    [
      "a script of 13334 characters but 40002 UTF-8 bytes",
      { script: "€".repeat(13_334) },
      /^script: must be at most 40000 bytes of UTF-8, got 40002/,
    ],
    ["a timeout over 20 s", { timeout: "20.000000001s" }, /^timeout: must be at most 20s/],
    ["a timeout of 1 minute", { timeout: "1m" }, /^timeout: must be at most 20s/],
    ["a negative timeout", { timeout: -5 }, /^timeout: must not be negative/],
    ["a NaN timeout", { timeout: Number.NaN }, /^timeout: .*NaN/],
    ["an empty orgId", { orgId: "" }, /^orgId: must be a non-empty organization id/],
  ];
  it.each(invalid)("createAction rejects %s before sending", async (_name, patch, rule) => {
    const error = (await client.v1
      .createAction({ ...base, ...patch } as CreateActionInput)
      .catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });

  it("accepts a 200-character name, a 40000-byte script and a 20 s timeout", async () => {
    await client.v1.createAction({
      name: "n".repeat(200),
      script: "x".repeat(40_000),
      timeout: "20s",
    });
    await client.v1.updateAction({ id: "a1", name: "n", script: "€".repeat(13_333), timeout: 0 });
    expect(server.calls).toHaveLength(2);
  });

  it.each([
    ["updateAction", () => client.v1.updateAction({ id: "", name: "n", script })],
    ["getAction", () => client.v1.getAction({ id: "" })],
    ["deactivateAction", () => client.v1.deactivateAction({ id: "" })],
    ["reactivateAction", () => client.v1.reactivateAction({ id: "" })],
    ["deleteAction", () => client.v1.deleteAction({ id: "" })],
  ])("%s rejects an empty id before sending", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "id: must be a non-empty id",
    });
    expect(server.calls).toHaveLength(0);
  });

  it.each([
    [
      () => client.v1.getFlow({ type: "login" }),
      /^type: must be one of "EXTERNAL_AUTHENTICATION" \("1"\)/,
    ],
    [() => client.v1.clearFlow({ type: "" }), /^type: must be one of/],
    [() => client.v1.listFlowTriggerTypes({ type: 0 }), /^type: must be one of/],
    [
      () => client.v1.setTriggerActions({ flowType: "1", triggerType: "pre_login", actionIds: [] }),
      /^triggerType: must be one of "POST_AUTHENTICATION" \("1"\)/,
    ],
    [
      () => client.v1.setTriggerActions({ flowType: "1", triggerType: "1", actionIds: ["a1", ""] }),
      /^actionIds\[1\]: must be a non-empty id/,
    ],
    [() => client.v1.listActions({ state: "deleted" }).toArray(), /^state: must be one of/],
    [() => client.v1.listActions({ sortBy: "script" }).toArray(), /^sortBy: must be one of/],
    [
      () => client.v1.listActions({ name: "n".repeat(201) }).toArray(),
      /^name: must be at most 200/,
    ],
    [() => client.v1.listActions({ id: "" }).toArray(), /^id: must be a non-empty id/],
  ])("rejects bad flow, trigger and query input before sending (%#)", async (call, rule) => {
    const error = (await call().catch((err: unknown) => err)) as ConnectError;
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(rule);
    expect(server.calls).toHaveLength(0);
  });
});

describe("v1 organization header", () => {
  it("sends none when neither the transport nor the call sets an org", async () => {
    await client.v1.getAction({ id: "a1" }).catch(() => {});
    expect(server.calls[0]?.headers.has("x-zitadel-orgid")).toBe(false);
  });

  it("sends the transport's orgId on v1 calls only", async () => {
    const scoped = server.client({ orgId: "org-transport" });
    await scoped.v1.listFlowTypes();
    await scoped.listExecutionServices();
    expect(server.calls.map((call) => [call.method, call.headers.get("x-zitadel-orgid")])).toEqual([
      ["listFlowTypes", "org-transport"],
      ["listExecutionServices", null],
    ]);
  });

  it("lets a per-call orgId override the transport's, keeping the caller's headers", async () => {
    const scoped = server.client({ orgId: "org-transport" });
    await scoped.v1.listFlowTypes({ orgId: "org-call" }, { headers: { "x-trace": "t1" } });
    await scoped.v1.listActions({ orgId: "org-call" }).toArray();
    await scoped.v1.getFlow({ type: "1" });
    expect(server.calls.map((call) => call.headers.get("x-zitadel-orgid"))).toEqual([
      "org-call",
      "org-call",
      "org-transport",
    ]);
    expect(server.calls[0]?.headers.get("x-trace")).toBe("t1");
  });

  it("sends a per-call orgId without a transport orgId on every method", async () => {
    server.handle("getAction", () => ({ action: { id: "a1" } }));
    const orgId = "org-9";
    await client.v1.createAction({ name: "n", script, orgId });
    await client.v1.updateAction({ id: "a1", name: "n", script, orgId });
    await client.v1.getAction({ id: "a1", orgId });
    await client.v1.deactivateAction({ id: "a1", orgId });
    await client.v1.reactivateAction({ id: "a1", orgId });
    await client.v1.deleteAction({ id: "a1", orgId });
    await client.v1.listActions({ orgId }).toArray();
    await client.v1.listFlowTypes({ orgId });
    await client.v1.listFlowTriggerTypes({ type: "1", orgId });
    await client.v1.getFlow({ type: "1", orgId });
    await client.v1.clearFlow({ type: "1", orgId });
    await client.v1.setTriggerActions({ flowType: "1", triggerType: "1", actionIds: [], orgId });
    expect(server.calls).toHaveLength(12);
    for (const call of server.calls) {
      expect(call.headers.get("x-zitadel-orgid"), call.method).toBe(orgId);
    }
  });
});

describe("v1 listActions", () => {
  const textRows: [TextMatch, TextQueryMethod][] = [
    ["addClaim", TextQueryMethod.EQUALS],
    [{ equals: "addClaim" }, TextQueryMethod.EQUALS],
    [{ equals: "addClaim", ignoreCase: true }, TextQueryMethod.EQUALS_IGNORE_CASE],
    [{ startsWith: "addClaim" }, TextQueryMethod.STARTS_WITH],
    [{ startsWith: "addClaim", ignoreCase: true }, TextQueryMethod.STARTS_WITH_IGNORE_CASE],
    [{ contains: "addClaim" }, TextQueryMethod.CONTAINS],
    [{ contains: "addClaim", ignoreCase: true }, TextQueryMethod.CONTAINS_IGNORE_CASE],
    [{ endsWith: "addClaim" }, TextQueryMethod.ENDS_WITH],
    [{ endsWith: "addClaim", ignoreCase: true }, TextQueryMethod.ENDS_WITH_IGNORE_CASE],
  ];
  it.each(textRows)("sends name %o with text method %i", async (name, method) => {
    await client.v1.listActions({ name }).toArray();
    expect(server.callsOf("listActions")[0]?.request.queries[0]?.query).toMatchObject({
      case: "actionNameQuery",
      value: { name: "addClaim", method },
    });
  });

  it("searches by name and state in a given organization, with id, sort and order", async () => {
    server.handle("listActions", () => ({
      details: {
        totalResult: 1n,
        processedSequence: 7n,
        viewTimestamp: timestampFromDate(changed),
      },
      result: [{ id: "a1", name: "addClaim", script, state: ActionState.ACTIVE }],
    }));
    const pages = [];
    for await (const page of client.v1
      .listActions({
        orgId: "org-1",
        id: "a1",
        name: { contains: "claim", ignoreCase: true },
        state: "active",
        sortBy: "name",
        asc: true,
      })
      .pages()) {
      pages.push(page);
    }
    expect(pages).toEqual([
      {
        items: [
          {
            id: "a1",
            name: "addClaim",
            script,
            timeout: 0,
            allowedToFail: false,
            state: "ACTIVE",
            details: undefined,
          },
        ],
        total: 1,
        offset: 0,
        limit: 100,
        processedSequence: 7,
        viewTimestamp: changed,
      },
    ]);
    const [call] = server.callsOf("listActions");
    expect(call?.headers.get("x-zitadel-orgid")).toBe("org-1");
    expect(call?.request.query).toMatchObject({ offset: 0n, limit: 100, asc: true });
    expect(call?.request.sortingColumn).toBe(ActionFieldName.NAME);
    expect(call?.request.queries.map((query) => query.query)).toMatchObject([
      { case: "actionIdQuery", value: { id: "a1" } },
      {
        case: "actionNameQuery",
        value: { name: "claim", method: TextQueryMethod.CONTAINS_IGNORE_CASE },
      },
      { case: "actionStateQuery", value: { state: ActionState.ACTIVE } },
    ]);
  });

  it.each([
    ["id", ActionFieldName.ID],
    ["STATE", ActionFieldName.STATE],
    ["ACTION_FIELD_NAME_NAME", ActionFieldName.NAME],
  ])("maps sortBy %s", async (sortBy, column) => {
    await client.v1.listActions({ sortBy }).toArray();
    expect(server.callsOf("listActions")[0]?.request.sortingColumn).toBe(column);
  });

  it.each([
    [0, 1],
    [1, 1],
    [1001, 11],
  ])("pages over a total of %i with %i requests", async (total, requests) => {
    const all = Array.from({ length: total }, (_, i) => `a${i}`);
    server.handle("listActions", (request) => {
      const offset = Number(request.query?.offset ?? 0n);
      const page = all.slice(offset, offset + (request.query?.limit ?? 0));
      return {
        details: {
          totalResult: page.length === 0 ? 0n : BigInt(total),
          processedSequence: BigInt(offset + 1),
        },
        result: page.map((id) => ({ id, name: id, state: ActionState.ACTIVE })),
      };
    });
    const seen: string[] = [];
    const sequences: number[] = [];
    for await (const page of client.v1.listActions({ pageSize: 100 }).pages()) {
      seen.push(...page.items.map((action) => action.id));
      sequences.push(page.processedSequence);
      expect(page.viewTimestamp).toBeUndefined();
    }
    expect(seen).toEqual(all);
    const calls = server.callsOf("listActions");
    expect(calls).toHaveLength(requests);
    expect(
      calls.map((call) => [Number(call.request.query?.offset), call.request.query?.limit]),
    ).toEqual(Array.from({ length: requests }, (_, i) => [i * 100, 100]));
    expect(sequences).toEqual(Array.from({ length: requests }, (_, i) => i * 100 + 1));
  });
});

describe("v1 flows and triggers", () => {
  it("listFlowTypes returns id, friendly type and label", async () => {
    server.handle("listFlowTypes", () => ({
      result: [
        {
          id: "1",
          name: {
            key: "Action.Flow.Type.ExternalAuthentication",
            localizedMessage: "External Authentication",
          },
        },
        {
          id: "2",
          name: { key: "Action.Flow.Type.CustomiseToken", localizedMessage: "Complement Token" },
        },
        { id: "3", name: { key: "Action.Flow.Type.InternalAuthentication" } },
        { id: "4", name: { key: "k4", localizedMessage: "Complement SAMLResponse" } },
        { id: "7", name: { key: "k7", localizedMessage: "Future" } },
      ],
    }));
    expect(await client.v1.listFlowTypes()).toEqual([
      { id: "1", type: "EXTERNAL_AUTHENTICATION", label: "External Authentication" },
      { id: "2", type: "COMPLEMENT_TOKEN", label: "Complement Token" },
      {
        id: "3",
        type: "INTERNAL_AUTHENTICATION",
        label: "Action.Flow.Type.InternalAuthentication",
      },
      { id: "4", type: "COMPLEMENT_SAML_RESPONSE", label: "Complement SAMLResponse" },
      { id: "7", type: "7", label: "Future" },
    ]);
  });

  const flowInputs: [string | number, string][] = [
    ["EXTERNAL_AUTHENTICATION", "1"],
    ["complement_token", "2"],
    ["Internal_Authentication", "3"],
    ["FLOW_TYPE_COMPLEMENT_SAML_RESPONSE", "4"],
    ["flow_type_external_authentication", "1"],
    ["2", "2"],
    [3, "3"],
  ];
  it.each(flowInputs)("listFlowTriggerTypes reads flow type %o as id %s", async (type, id) => {
    server.handle("listFlowTriggerTypes", () => ({
      result: [
        { id: "4", name: { localizedMessage: "Pre Userinfo creation" } },
        { id: "5", name: { localizedMessage: "Pre access token creation" } },
      ],
    }));
    expect(await client.v1.listFlowTriggerTypes({ type })).toEqual([
      { id: "4", type: "PRE_USERINFO_CREATION", label: "Pre Userinfo creation" },
      { id: "5", type: "PRE_ACCESS_TOKEN_CREATION", label: "Pre access token creation" },
    ]);
    expect(server.callsOf("listFlowTriggerTypes")[0]?.request.type).toBe(id);
  });

  const triggerInputs: [string | number, string][] = [
    ["POST_AUTHENTICATION", "1"],
    ["pre_creation", "2"],
    ["Post_Creation", "3"],
    ["PRE_USERINFO_CREATION", "4"],
    ["pre_access_token_creation", "5"],
    ["TRIGGER_TYPE_PRE_SAML_RESPONSE_CREATION", "6"],
    ["trigger_type_post_authentication", "1"],
    ["5", "5"],
    [6, "6"],
  ];
  it.each(triggerInputs)(
    "setTriggerActions reads trigger type %o as id %s",
    async (triggerType, id) => {
      server.handle("setTriggerActions", () => ({ details: wireDetails }));
      const result = await client.v1.setTriggerActions({
        flowType: "complement_token",
        triggerType,
        actionIds: ["a2", "a1"],
      });
      expect(result).toEqual({ details });
      expect(server.callsOf("setTriggerActions")[0]?.request).toMatchObject({
        flowType: "2",
        triggerType: id,
        actionIds: ["a2", "a1"],
      });
    },
  );

  it("setTriggerActions sends an empty list to clear a trigger", async () => {
    await client.v1.setTriggerActions({ flowType: 1, triggerType: 1, actionIds: [] });
    expect(server.callsOf("setTriggerActions")[0]?.request.actionIds).toEqual([]);
  });

  it("getFlow returns the trigger → action ids mapping with friendly names, triggers in id order", async () => {
    server.handle("getFlow", (request) => ({
      flow: {
        type: { id: request.type },
        triggerActions: [
          { triggerType: { id: "3" }, actions: [{ id: "a3" }] },
          { triggerType: { id: "1" }, actions: [{ id: "a1" }, { id: "a2" }] },
          { triggerType: { id: "9" }, actions: [{ id: "a9" }] },
        ],
      },
    }));
    expect(await client.v1.getFlow({ type: "external_authentication" })).toEqual({
      type: "EXTERNAL_AUTHENTICATION",
      triggers: [
        { triggerType: "POST_AUTHENTICATION", actionIds: ["a1", "a2"] },
        { triggerType: "POST_CREATION", actionIds: ["a3"] },
        { triggerType: "9", actionIds: ["a9"] },
      ],
    });
    expect(server.callsOf("getFlow")[0]?.request.type).toBe("1");
  });

  it("getFlow returns an empty flow when nothing is set", async () => {
    expect(await client.v1.getFlow({ type: "COMPLEMENT_TOKEN" })).toEqual({
      type: "COMPLEMENT_TOKEN",
      triggers: [],
    });
  });

  it("clearFlow sends the flow type id and returns details", async () => {
    server.handle("clearFlow", () => ({ details: wireDetails }));
    expect(await client.v1.clearFlow({ type: "FLOW_TYPE_COMPLEMENT_TOKEN" })).toEqual({ details });
    expect(server.callsOf("clearFlow")[0]?.request.type).toBe("2");
  });
});

describe("createActionsV1Client", () => {
  it("calls the same RPCs as client.v1, with the org header and the generated client under raw", async () => {
    const v1 = createActionsV1Client(createActionsTransport({ baseUrl: server.baseUrl }));
    server.handle("getAction", () => ({
      action: { id: "a1", name: "addClaim", state: ActionState.ACTIVE, details: wireDetails },
    }));
    const action = await v1.getAction({ id: "a1", orgId: "org-7" });
    expect(action).toMatchObject({ id: "a1", name: "addClaim", state: "ACTIVE" });
    const [call] = server.callsOf("getAction");
    expect(call?.headers.get("x-zitadel-orgid")).toBe("org-7");
    expect(Object.keys(v1).sort()).toEqual([...Object.keys(client.v1), "raw"].sort());
    const raw = await v1.raw.getAction({ id: "a1" });
    expect(raw.action?.name).toBe("addClaim");
  });
});
