import { Code } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ActionService } from "../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../gen/zitadel/management_pb.js";
import {
  createActionsClient,
  createActionsTransport,
  createRetryInterceptor,
} from "../src/node.js";
import { idempotentMethods, isIdempotentMethod } from "../src/retry.js";
import { startActionsServer, type TestActionsServer } from "./helpers/auth-server.js";
import { rejection } from "./helpers/rejection.js";

let server: TestActionsServer;
beforeAll(async () => {
  server = await startActionsServer();
});
afterAll(() => server.close());
afterEach(() => {
  for (const method of [...ActionService.methods, ...ManagementService.methods]) {
    server.failNext(method.name, Code.Unavailable, 0);
  }
});

const fast = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

function client(
  retry: Parameters<typeof createActionsTransport>[0]["retry"] = fast,
  token?: () => string,
) {
  return createActionsClient(createActionsTransport({ baseUrl: server.baseUrl, retry, token }));
}

describe("which RPCs are retried", () => {
  const expected = [
    "zitadel.action.v2.ActionService/GetTarget",
    "zitadel.action.v2.ActionService/ListTargets",
    "zitadel.action.v2.ActionService/ListPublicKeys",
    "zitadel.action.v2.ActionService/ListExecutions",
    "zitadel.action.v2.ActionService/ListExecutionFunctions",
    "zitadel.action.v2.ActionService/ListExecutionMethods",
    "zitadel.action.v2.ActionService/ListExecutionServices",
    "zitadel.action.v2.ActionService/DeleteTarget",
    "zitadel.action.v2.ActionService/SetExecution",
    "zitadel.action.v2.ActionService/ActivatePublicKey",
    "zitadel.action.v2.ActionService/DeactivatePublicKey",
    "zitadel.action.v2.ActionService/RemovePublicKey",
    "zitadel.management.v1.ManagementService/ListActions",
    "zitadel.management.v1.ManagementService/GetAction",
    "zitadel.management.v1.ManagementService/ListFlowTypes",
    "zitadel.management.v1.ManagementService/ListFlowTriggerTypes",
    "zitadel.management.v1.ManagementService/GetFlow",
  ];

  it("lists exactly the documented idempotent RPCs", () => {
    const listed = idempotentMethods.map((m) => `${m.parent.typeName}/${m.name}`);
    expect(listed.sort()).toEqual([...expected].sort());
  });

  it("covers every Get and List RPC of both services and no create/update/add", () => {
    for (const method of [...ActionService.methods, ...ManagementService.methods]) {
      const path = `${method.parent.typeName}/${method.name}`;
      if (/^(Get|List)/.test(method.name)) expect(isIdempotentMethod(method), path).toBe(true);
      if (/^(Create|Update|Add|Reactivate|Clear|SetTrigger)/.test(method.name)) {
        expect(isIdempotentMethod(method), path).toBe(false);
      }
      expect(isIdempotentMethod(method), path).toBe(expected.includes(path));
    }
  });
});

describe("retries on a real server", () => {
  it("retries a read failing with Unavailable until it succeeds", async () => {
    server.failNext("GetTarget", Code.Unavailable, 2);
    const before = server.calls("GetTarget");
    await client().raw.action.getTarget({ id: "1" });
    expect(server.calls("GetTarget") - before).toBe(3);
  });

  it("retries v1 reads too", async () => {
    server.failNext("ListActions", Code.Unavailable, 1);
    const before = server.calls("ListActions");
    await client().raw.management.listActions({});
    expect(server.calls("ListActions") - before).toBe(2);
  });

  it("retries ResourceExhausted", async () => {
    server.failNext("ListExecutions", Code.ResourceExhausted, 2);
    const before = server.calls("ListExecutions");
    await client().raw.action.listExecutions({});
    expect(server.calls("ListExecutions") - before).toBe(3);
  });

  it("retries the idempotent writes (DeleteTarget, SetExecution, RemovePublicKey)", async () => {
    for (const [name, call] of [
      ["DeleteTarget", (c: ReturnType<typeof client>) => c.raw.action.deleteTarget({ id: "1" })],
      ["SetExecution", (c: ReturnType<typeof client>) => c.raw.action.setExecution({})],
      [
        "RemovePublicKey",
        (c: ReturnType<typeof client>) =>
          c.raw.action.removePublicKey({ targetId: "1", keyId: "2" }),
      ],
    ] as const) {
      server.failNext(name, Code.Unavailable, 1);
      const before = server.calls(name);
      await call(client());
      expect(server.calls(name) - before, name).toBe(2);
    }
  });

  it("never retries createTarget", async () => {
    server.failNext("CreateTarget", Code.Unavailable, 5);
    const before = server.calls("CreateTarget");
    const err = await rejection(
      client({ maxAttempts: 10, initialBackoffMs: 1, maxBackoffMs: 1 }).raw.action.createTarget({
        name: "t",
      }),
    );
    expect(err.code).toBe(Code.Unavailable);
    expect(server.calls("CreateTarget") - before).toBe(1);
  });

  it.each(["UpdateTarget", "AddPublicKey", "CreateAction", "DeleteAction", "SetTriggerActions"])(
    "never retries %s",
    async (name) => {
      server.failNext(name, Code.Unavailable, 5);
      const before = server.calls(name);
      const c = client({ maxAttempts: 10, initialBackoffMs: 1, maxBackoffMs: 1 });
      const calls: Record<string, () => Promise<unknown>> = {
        UpdateTarget: () => c.raw.action.updateTarget({ id: "1" }),
        AddPublicKey: () => c.raw.action.addPublicKey({ targetId: "1" }),
        CreateAction: () => c.raw.management.createAction({ name: "a" }),
        DeleteAction: () => c.raw.management.deleteAction({ id: "1" }),
        SetTriggerActions: () => c.raw.management.setTriggerActions({}),
      };
      await rejection(calls[name]!());
      expect(server.calls(name) - before).toBe(1);
    },
  );

  it("stops after maxAttempts and reports the last error", async () => {
    server.failNext("ListTargets", Code.Unavailable, 10);
    const before = server.calls("ListTargets");
    const err = await rejection(
      client({ maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 2 }).raw.action.listTargets({}),
    );
    expect(err.code).toBe(Code.Unavailable);
    expect(server.calls("ListTargets") - before).toBe(4);
  });

  it.each([
    ["Internal", Code.Internal],
    ["InvalidArgument", Code.InvalidArgument],
    ["NotFound", Code.NotFound],
    ["Unauthenticated", Code.Unauthenticated],
    ["DeadlineExceeded", Code.DeadlineExceeded],
  ])("does not retry %s", async (_name, code) => {
    server.failNext("GetAction", code, 3);
    const before = server.calls("GetAction");
    const err = await rejection(client().raw.management.getAction({ id: "1" }));
    expect(err.code).toBe(code);
    expect(server.calls("GetAction") - before).toBe(1);
  });

  it("is on by default and off with retry: false", async () => {
    server.failNext("GetFlow", Code.Unavailable, 1);
    let before = server.calls("GetFlow");
    const byDefault = createActionsClient(createActionsTransport({ baseUrl: server.baseUrl }));
    await byDefault.raw.management.getFlow({});
    expect(server.calls("GetFlow") - before).toBe(2);

    server.failNext("GetFlow", Code.Unavailable, 1);
    before = server.calls("GetFlow");
    await rejection(client(false).raw.management.getFlow({}));
    expect(server.calls("GetFlow") - before).toBe(1);
  });

  it("runs auth again for every attempt", async () => {
    server.failNext("ListPublicKeys", Code.Unavailable, 2);
    let issued = 0;
    await client(fast, () => `token-${++issued}`).raw.action.listPublicKeys({ targetId: "1" });
    const seen = server.seen.filter((c) => c.method === "ListPublicKeys").slice(-3);
    expect(seen.map((c) => c.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-2",
      "Bearer token-3",
    ]);
  });

  it("tells the server the remaining deadline on each attempt", async () => {
    server.failNext("ListExecutionMethods", Code.Unavailable, 2);
    await client({
      maxAttempts: 3,
      initialBackoffMs: 20,
      maxBackoffMs: 40,
    }).raw.action.listExecutionMethods({}, { timeoutMs: 20_000 });
    const timeouts = server.seen
      .filter((c) => c.method === "ListExecutionMethods")
      .slice(-3)
      .map((c) => c.timeoutMs!);
    expect(timeouts.every((t) => t > 0 && t <= 20_000)).toBe(true);
    expect(timeouts[2]!).toBeLessThanOrEqual(timeouts[1]!);
    expect(timeouts[1]!).toBeLessThanOrEqual(timeouts[0]!);
  });

  it("works as a plain interceptor on any connect transport", async () => {
    server.failNext("ListFlowTypes", Code.Unavailable, 1);
    const before = server.calls("ListFlowTypes");
    const transport = createGrpcTransport({
      baseUrl: server.baseUrl,
      interceptors: [createRetryInterceptor(fast)],
    });
    await createActionsClient(transport).raw.management.listFlowTypes({});
    expect(server.calls("ListFlowTypes") - before).toBe(2);
  });
});

describe("retry and the call's deadline and signal", () => {
  it("never retries past the deadline", async () => {
    server.failNext("ListExecutionFunctions", Code.Unavailable, 1000);
    const before = server.calls("ListExecutionFunctions");
    const c = client({ maxAttempts: 50, initialBackoffMs: 1000, maxBackoffMs: 1000 });
    const err = await rejection(c.raw.action.listExecutionFunctions({}, { timeoutMs: 300 }));
    expect([Code.Unavailable, Code.DeadlineExceeded]).toContain(err.code);
    expect(server.calls("ListExecutionFunctions") - before).toBeLessThan(50);
  });

  it("keeps retrying with short pauses only until the deadline", async () => {
    server.failNext("ListExecutionFunctions", Code.Unavailable, 1000);
    const before = server.calls("ListExecutionFunctions");
    const c = client({ maxAttempts: 100, initialBackoffMs: 20, maxBackoffMs: 40 });
    const err = await rejection(c.raw.action.listExecutionFunctions({}, { timeoutMs: 250 }));
    expect([Code.Unavailable, Code.DeadlineExceeded]).toContain(err.code);
    const attempts = server.calls("ListExecutionFunctions") - before;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(100);
  });

  it("ends the backoff when the caller aborts, with Canceled", async () => {
    server.failNext("ListExecutionServices", Code.Unavailable, 1000);
    const before = server.calls("ListExecutionServices");
    const controller = new AbortController();
    const c = client({ maxAttempts: 50, initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    const call = c.raw.action.listExecutionServices({}, { signal: controller.signal });
    while (server.calls("ListExecutionServices") === before)
      await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const err = await rejection(call);
    expect(err.code).toBe(Code.Canceled);
    expect(server.calls("ListExecutionServices") - before).toBe(1);
  });
});

describe("options", () => {
  it.each([
    [{ maxAttempts: 0 }, /^retry\.maxAttempts: must be an integer from 1 to 100$/],
    [{ maxAttempts: 1.5 }, /^retry\.maxAttempts:/],
    [{ initialBackoffMs: -1 }, /^retry\.initialBackoffMs: must be a finite number/],
    [{ maxBackoffMs: Number.NaN }, /^retry\.maxBackoffMs: must be a finite number/],
    [{ initialBackoffMs: 100, maxBackoffMs: 10 }, /^retry\.maxBackoffMs: must not be less than/],
    [null, /^retry: must be an object/],
  ])("refuses %j before any call", (retry, message) => {
    expect(() =>
      createActionsTransport({ baseUrl: server.baseUrl, retry: retry as never }),
    ).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: expect.stringMatching(message),
      }),
    );
  });
});
