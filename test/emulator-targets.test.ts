import { createHmac, generateKeyPairSync } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConditionSchema } from "../gen/zitadel/action/v2/execution_pb.js";
import { createEmulatorTransport, type Emulator, startEmulator } from "../src/emulator/index.js";
import { zitadelErrorDetail } from "../src/errors.js";
import type { Condition } from "../src/executions.js";
import { type ActionsClient, createActionsClient, createActionsTransport } from "../src/node.js";
import {
  forwardError,
  functionReply,
  type NodeReceiverOptions,
  type Payload,
  type ReceiverReply,
} from "../src/receiver/index.js";
import { rejection } from "./helpers/rejection.js";
import { startTargetReceiver, type TargetReceiver } from "./helpers/target-receiver.js";

const getTargetMethod = "/zitadel.action.v2.ActionService/GetTarget";
const token = "targets-test-token";

let emulator: Emulator;
let receiver: TargetReceiver;
let client: ActionsClient;
let pathCounter = 0;

beforeAll(async () => {
  emulator = await startEmulator({ token });
  receiver = await startTargetReceiver();
  client = createActionsClient(
    createActionsTransport({ baseUrl: emulator.baseUrl, token, retry: false }),
  );
});

afterAll(async () => {
  await receiver?.close();
  await emulator?.close();
});

beforeEach(() => {
  emulator.reset();
});

interface TestTarget {
  id: string;
  path: string;
  signingKey: string;
}

interface TargetSetup {
  type: "webhook" | "call" | "async";
  payloadType?: "json" | "jwt" | "jwe";
  interruptOnError?: boolean;
  timeout?: string;
  handler?: (payload: Payload) => ReceiverReply | Promise<ReceiverReply>;
  receiverOptions?: Partial<NodeReceiverOptions>;
}

/** Create a target pointing at a fresh path of the real receiver, and serve that path. */
async function makeTarget(setup: TargetSetup, activeClient = client): Promise<TestTarget> {
  pathCounter += 1;
  const path = `/target-${pathCounter}`;
  const created = await activeClient.createTarget({
    name: `target ${pathCounter}`,
    endpoint: receiver.url(path),
    type: setup.type,
    interruptOnError: setup.type === "async" ? undefined : (setup.interruptOnError ?? false),
    timeout: setup.timeout ?? "5s",
    payloadType: setup.payloadType ?? "json",
  });
  receiver.route(
    path,
    { signingKeys: created.signingKey, issuer: emulator.baseUrl, ...setup.receiverOptions },
    setup.handler,
  );
  return { id: created.id, path, signingKey: created.signingKey };
}

async function execute(condition: Condition, targets: TestTarget[], activeClient = client) {
  await activeClient.setExecution({ condition, targets: targets.map((t) => t.id) });
}

/** Check a ZITADEL-Signature header with node:crypto, independently of the receiver toolkit. */
function expectValidSignature(header: unknown, body: string, key: string): void {
  expect(typeof header).toBe("string");
  const parts = Object.fromEntries(
    String(header)
      .split(",")
      .map((p) => p.split("=") as [string, string]),
  );
  expect(parts.t).toMatch(/^\d+$/);
  const mac = createHmac("sha256", key).update(`${parts.t}.${body}`).digest("hex");
  expect(parts.v1).toBe(mac);
}

describe("request and response executions of emulated RPCs", () => {
  it("POSTs the protojson request to a webhook as JSON, with ZITADEL's headers and signature", async () => {
    const target = await makeTarget({ type: "webhook", handler: () => ({ ignored: true }) });
    await execute({ request: { method: getTargetMethod } }, [target]);
    const got = await client.getTarget({ id: target.id });
    expect(got.id).toBe(target.id);
    const call = await receiver.next(target.path);
    expect(call.headers["content-type"]).toBe("application/json");
    expectValidSignature(call.headers["zitadel-signature"], call.body, target.signingKey);
    const body = JSON.parse(call.body);
    expect(Object.keys(body).slice(0, 3)).toEqual(["fullMethod", "instanceID", "orgID"]);
    expect(body.fullMethod).toBe(getTargetMethod);
    expect(body.request).toEqual({ id: target.id });
    expect(body).not.toHaveProperty("response");
    expect(body.headers["Content-Type"]?.[0]).toMatch(/^application\/grpc/);
    expect(call.payload).toMatchObject({ kind: "request", format: "json" });
  });

  it("lets a call target replace the request (reset, then protojson)", async () => {
    const real = await makeTarget({ type: "webhook" });
    const rewriter = await makeTarget({
      type: "call",
      interruptOnError: true,
      handler: () => ({ id: real.id }),
    });
    await execute({ request: { method: getTargetMethod } }, [rewriter]);
    const got = await client.getTarget({ id: "424242" });
    expect(got.id).toBe(real.id);
    expect(got.name).toMatch(/^target /);
    const call = await receiver.next(rewriter.path);
    expect(call.payload).toMatchObject({ kind: "request", request: { id: "424242" } });
  });

  it("gives the next target the request as the previous call target replaced it", async () => {
    const first = await makeTarget({ type: "call", handler: () => ({ id: "2" }) });
    const second = await makeTarget({ type: "webhook" });
    await execute({ request: { method: getTargetMethod } }, [first, second]);
    const err = await rejection(client.getTarget({ id: "1" }));
    expect(err.code).toBe(Code.NotFound);
    expect((await receiver.next(second.path)).payload).toMatchObject({ request: { id: "2" } });
  });

  it("lets a call target replace the response, and sends request and response", async () => {
    const target = await makeTarget({
      type: "call",
      interruptOnError: true,
      handler: (payload) => {
        if (payload.kind !== "response") return forwardError(400, "expected a response payload");
        const original = payload.response.target as Record<string, unknown>;
        return { target: { ...original, name: "rewritten by the target" } };
      },
    });
    await execute({ response: { method: getTargetMethod } }, [target]);
    const got = await client.getTarget({ id: target.id });
    expect(got.name).toBe("rewritten by the target");
    expect(got.id).toBe(target.id);
    const call = await receiver.next(target.path);
    expect(call.payload.kind).toBe("response");
    const body = JSON.parse(call.body);
    expect(body.request).toEqual({ id: target.id });
    expect(body.response.target).toMatchObject({
      id: target.id,
      endpoint: receiver.url(target.path),
    });
  });

  it("fails the RPC when a call target's answer is not the message it replaces (interruptOnError)", async () => {
    const target = await makeTarget({
      type: "call",
      interruptOnError: true,
      handler: () => ({ noSuchField: 1 }),
    });
    await execute({ response: { method: getTargetMethod } }, [target]);
    const err = await rejection(client.getTarget({ id: target.id }));
    expect(err.code).toBe(Code.Unknown);
    expect(err.rawMessage).toContain("GetTargetResponse");
  });

  it("fires async targets and forgets them: a failing or hanging one never affects the call", async () => {
    const failing = await makeTarget({
      type: "async",
      handler: () => new Response("no", { status: 500 }),
    });
    const hanging = await makeTarget({ type: "async", handler: () => receiver.hold() });
    await execute({ response: { method: getTargetMethod } }, [failing, hanging]);
    const got = await client.getTarget({ id: failing.id });
    expect(got.id).toBe(failing.id);
    const [a, b] = await Promise.all([receiver.next(failing.path), receiver.next(hanging.path)]);
    expect(a.payload).toMatchObject({ kind: "response", format: "json" });
    expect(b.payload.kind).toBe("response");
  });

  it("chooses one level: method over service over all", async () => {
    const method = await makeTarget({ type: "webhook" });
    const service = await makeTarget({ type: "webhook" });
    const all = await makeTarget({ type: "webhook" });
    await execute({ request: { method: getTargetMethod } }, [method]);
    await execute({ request: { service: "zitadel.action.v2.ActionService" } }, [service]);
    await execute({ request: { all: true } }, [all]);
    const counts = () => [method, service, all].map((t) => receiver.count(t.path));
    const delta = async (call: () => Promise<unknown>) => {
      const before = counts();
      await call();
      return counts().map((n, i) => n - before[i]!);
    };
    expect(await delta(() => client.getTarget({ id: method.id }))).toEqual([1, 0, 0]);
    expect(await delta(() => client.raw.action.listTargets({}))).toEqual([0, 1, 0]);
    expect(await delta(() => client.raw.management.listActions({}))).toEqual([0, 0, 1]);
  });
});

describe("payload types", () => {
  it("sends a JWT signed by the emulator, verifiable with its JWKS URL", async () => {
    const target = await makeTarget({ type: "webhook", payloadType: "jwt" });
    await execute({ request: { method: getTargetMethod } }, [target]);
    await client.getTarget({ id: target.id });
    const call = await receiver.next(target.path);
    expect(call.payload).toMatchObject({
      kind: "request",
      format: "jwt",
      request: { id: target.id },
    });
    expect(call.headers["content-type"]).toBe("application/json");
    expectValidSignature(call.headers["zitadel-signature"], call.body, target.signingKey);
    const header = decodeProtectedHeader(call.body);
    expect(header).toMatchObject({
      alg: "RS256",
      typ: "JWT",
      kid: emulator.oauth.jwks().keys[0]?.kid,
    });
    // The claims are the JSON body itself, nothing added.
    expect(Object.keys(decodeJwt(call.body))).toEqual([
      "fullMethod",
      "instanceID",
      "orgID",
      "request",
      "headers",
    ]);
  });

  it("refuses a JWT whose key is not the emulator's", async () => {
    const other = await startEmulator();
    try {
      const target = await makeTarget({
        type: "webhook",
        payloadType: "jwt",
        receiverOptions: { issuer: other.baseUrl },
      });
      await execute({ request: { method: getTargetMethod } }, [target]);
      const before = receiver.refused.length;
      await client.getTarget({ id: target.id });
      expect(receiver.count(target.path)).toBe(0);
      expect(receiver.refused.length).toBe(before + 1);
    } finally {
      await other.close();
    }
  });

  for (const kind of ["rsa", "ec"] as const) {
    it(`sends a JWE encrypted to the target's active ${kind.toUpperCase()} key`, async () => {
      const pair =
        kind === "rsa"
          ? generateKeyPairSync("rsa", { modulusLength: 2048 })
          : generateKeyPairSync("ec", { namedCurve: "P-256" });
      const publicPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
      const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const decryptionKeys: Record<string, string> = {};
      const target = await makeTarget({
        type: "call",
        payloadType: "jwe",
        interruptOnError: true,
        receiverOptions: { decryptionKeys },
      });
      const { keyId } = await client.addPublicKey({ targetId: target.id, publicKey: publicPem });
      await client.activatePublicKey({ targetId: target.id, keyId });
      decryptionKeys[keyId] = privatePem;
      await execute({ request: { method: getTargetMethod } }, [target]);
      await client.getTarget({ id: target.id });
      const call = await receiver.next(target.path);
      expect(call.payload).toMatchObject({
        kind: "request",
        format: "jwe",
        request: { id: target.id },
      });
      expectValidSignature(call.headers["zitadel-signature"], call.body, target.signingKey);
      expect(decodeProtectedHeader(call.body)).toMatchObject({
        alg: kind === "rsa" ? "RSA-OAEP-256" : "ECDH-ES+A256KW",
        enc: "A256GCM",
        kid: keyId,
        cty: "JWT",
      });
    });
  }

  it("fails a JWE call when the target has no active key (EXEC-2n8fhs7g)", async () => {
    const target = await makeTarget({
      type: "webhook",
      payloadType: "jwe",
      interruptOnError: true,
    });
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await client.addPublicKey({
      targetId: target.id,
      publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
    await execute({ request: { method: getTargetMethod } }, [target]);
    const err = await rejection(client.getTarget({ id: target.id }));
    expect(err.code).toBe(Code.Internal);
    expect(zitadelErrorDetail(err)?.id).toBe("EXEC-2n8fhs7g");
    expect(receiver.count(target.path)).toBe(0);
  });
});

describe("failures", () => {
  it("aborts the RPC on a failing target with interruptOnError, before later targets run", async () => {
    const failing = await makeTarget({
      type: "webhook",
      interruptOnError: true,
      handler: () => new Response("down", { status: 503 }),
    });
    const later = await makeTarget({ type: "webhook" });
    await execute({ request: { method: getTargetMethod } }, [failing, later]);
    const err = await rejection(client.getTarget({ id: failing.id }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toBe("Execution failed (EXEC-dra6yamk98)");
    expect(zitadelErrorDetail(err)).toEqual({ id: "EXEC-dra6yamk98", message: "Execution failed" });
    expect(receiver.count(failing.path)).toBe(1);
    expect(receiver.count(later.path)).toBe(0);
  });

  it("goes on past a failing target without interruptOnError", async () => {
    const failing = await makeTarget({
      type: "call",
      interruptOnError: false,
      handler: () => new Response("down", { status: 500 }),
    });
    const later = await makeTarget({ type: "webhook" });
    await execute({ request: { method: getTargetMethod } }, [failing, later]);
    const got = await client.getTarget({ id: failing.id });
    expect(got.id).toBe(failing.id);
    expect(receiver.count(failing.path)).toBe(1);
    expect(receiver.count(later.path)).toBe(1);
  });

  it("aborts a call that outlives the target's timeout", async () => {
    const slow = await makeTarget({
      type: "webhook",
      interruptOnError: true,
      timeout: "0.2s",
      handler: () => receiver.hold(),
    });
    await execute({ request: { method: getTargetMethod } }, [slow]);
    const err = await rejection(client.getTarget({ id: slow.id }));
    expect(err.code).toBe(Code.Unknown);
    expect(err.rawMessage).toBe(`Post "${receiver.url(slow.path)}": context deadline exceeded`);
  });

  const forwarded: Array<[number, Code, string]> = [
    [400, Code.InvalidArgument, "EXEC-reUaUZCzCp"],
    [401, Code.Unauthenticated, "EXEC-reUaUZCzCp"],
    [403, Code.PermissionDenied, "EXEC-reUaUZCzCp"],
    [404, Code.NotFound, "EXEC-reUaUZCzCp"],
    [409, Code.AlreadyExists, "EXEC-reUaUZCzCp"],
    [429, Code.ResourceExhausted, "EXEC-reUaUZCzCp"],
    [418, Code.Unknown, "EXEC-reUaUZCzCp"],
    [500, Code.FailedPrecondition, "EXEC-bmhNhpcqpF"],
  ];
  for (const [status, code, id] of forwarded) {
    it(`maps a forwarded ${status} to ${Code[code]} (${id})`, async () => {
      const target = await makeTarget({
        type: "call",
        interruptOnError: true,
        handler: () => forwardError(status, "the user is blocked"),
      });
      await execute({ response: { method: getTargetMethod } }, [target]);
      const err = await rejection(client.getTarget({ id: target.id }));
      expect(err.code).toBe(code);
      expect(err.rawMessage).toBe(`the user is blocked (${id})`);
      expect(zitadelErrorDetail(err)).toEqual({ id, message: "the user is blocked" });
    });
  }

  it("ignores a forwarded error of a target without interruptOnError", async () => {
    const target = await makeTarget({
      type: "webhook",
      handler: () => forwardError(403, "nope"),
    });
    await execute({ request: { method: getTargetMethod } }, [target]);
    expect((await client.getTarget({ id: target.id })).id).toBe(target.id);
    expect(receiver.count(target.path)).toBe(1);
  });
});

describe("invoke()", () => {
  it("calls a function's targets and resolves with their merged answers", async () => {
    const claims = await makeTarget({
      type: "call",
      handler: () => functionReply({ appendClaims: { plan: "free" } }),
    });
    const logs = await makeTarget({
      type: "call",
      handler: () =>
        functionReply({ appendClaims: { plan: "pro" }, appendLogClaims: ["plan set"] }),
    });
    const hook = await makeTarget({
      type: "webhook",
      handler: () => ({ append_log_claims: ["x"] }),
    });
    await execute({ function: "preaccesstoken" }, [claims, logs, hook]);
    const user = { id: "2001", human: { email: "ada@example.com" } };
    const merged = await emulator.invoke(
      { function: "preaccesstoken" },
      { user, org: { id: "1" } },
    );
    // Like decoding each answer into one reply: later answers replace whole fields.
    expect(merged).toEqual({
      append_claims: [{ key: "plan", value: "pro" }],
      append_log_claims: ["plan set"],
    });
    const call = await receiver.next(claims.path);
    expect(call.payload).toMatchObject({
      kind: "function",
      function: "function/preaccesstoken",
      functionName: "preaccesstoken",
      user,
      org: { id: "1" },
    });
    expect(receiver.count(hook.path)).toBe(1);
  });

  it("takes a Condition message too, and resolves with {} when no execution matches", async () => {
    const condition = create(ConditionSchema, {
      conditionType: { case: "function", value: { name: "preuserinfo" } },
    });
    expect(await emulator.invoke(condition, { user: { id: "1" } })).toEqual({});
  });

  it("rejects with ZITADEL's error when a function's call target answers no JSON object", async () => {
    const target = await makeTarget({
      type: "call",
      interruptOnError: true,
      handler: () => new Response("not json", { status: 200 }),
    });
    await execute({ function: "preuserinfo" }, [target]);
    const err = await rejection(emulator.invoke({ function: "preuserinfo" }, {}));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(zitadelErrorDetail(err)?.id).toBe("ACTION-4m9s2");
  });

  it("delivers an event with its payload inline, routed through its group", async () => {
    const target = await makeTarget({ type: "webhook", payloadType: "jwt" });
    await execute({ event: { group: "user" } }, [target]);
    const eventPayload = { email: "ada@example.com", userName: "ada" };
    const result = await emulator.invoke(
      { event: { event: "user.human.added" } },
      { aggregateID: "2001", event_payload: eventPayload },
    );
    expect(result).toBeUndefined();
    const call = await receiver.next(target.path);
    expect(call.payload).toMatchObject({
      kind: "event",
      format: "jwt",
      event_type: "user.human.added",
      aggregateID: "2001",
      aggregateType: "user",
      event_payload: eventPayload,
    });
    expect(
      JSON.parse(Buffer.from(call.body.split(".")[1]!, "base64url").toString()).event_payload,
    ).toEqual(eventPayload);
  });

  it("routes an event to its most specific group, else to the catch-all, never to several", async () => {
    const user = await makeTarget({ type: "webhook" });
    const human = await makeTarget({ type: "webhook" });
    const all = await makeTarget({ type: "webhook" });
    await execute({ event: { group: "user" } }, [user]);
    await execute({ event: { group: "user.human" } }, [human]);
    await execute({ event: { all: true } }, [all]);
    await emulator.invoke({ event: { event: "user.human.added" } }, { aggregateID: "1" });
    expect((await receiver.next(human.path)).payload).toMatchObject({ kind: "event" });
    await emulator.invoke({ event: { event: "user.machine.added" } }, { aggregateID: "2" });
    expect((await receiver.next(user.path)).payload).toMatchObject({
      event_type: "user.machine.added",
    });
    await emulator.invoke({ event: { event: "org.added" } }, { aggregateID: "3" });
    expect((await receiver.next(all.path)).payload).toMatchObject({ event_type: "org.added" });
    expect([
      receiver.count(user.path),
      receiver.count(human.path),
      receiver.count(all.path),
    ]).toEqual([1, 1, 1]);
  });

  it("runs request executions of any catalogued method and resolves with the replaced request", async () => {
    const method = "/zitadel.user.v2.UserService/AddHumanUser";
    const target = await makeTarget({
      type: "call",
      handler: (p) => (p.kind === "request" ? { ...p.request, username: "renamed" } : undefined),
    });
    await execute({ request: { method } }, [target]);
    const replaced = await emulator.invoke(
      { request: { method } },
      { request: { username: "ada" }, userID: "2001" },
    );
    expect(replaced).toEqual({ username: "renamed" });
    const call = await receiver.next(target.path);
    expect(call.payload).toMatchObject({
      fullMethod: method,
      userID: "2001",
      request: { username: "ada" },
    });
  });

  it("refuses conditions that name no single call, event or function", async () => {
    for (const condition of [
      { request: { service: "zitadel.user.v2.UserService" } },
      { event: { group: "user" } },
      { event: { all: true } },
      { nope: 1 },
    ]) {
      const err = await rejection(emulator.invoke(condition as Condition, {}));
      expect(err.code).toBe(Code.InvalidArgument);
    }
  });
});

describe("the in-memory transport", () => {
  it("calls targets too, signing JWTs verifiable with its jwks()", async () => {
    const transport = createEmulatorTransport();
    const memory = createActionsClient(transport);
    try {
      const target = await makeTarget(
        {
          type: "call",
          payloadType: "jwt",
          interruptOnError: true,
          receiverOptions: { jwks: transport.jwks() },
          handler: (p) =>
            p.kind === "response"
              ? { target: { ...(p.response.target as object), name: "memo" } }
              : undefined,
        },
        memory,
      );
      await execute({ response: { method: getTargetMethod } }, [target], memory);
      expect((await memory.getTarget({ id: target.id })).name).toBe("memo");
      expect((await receiver.next(target.path)).payload.format).toBe("jwt");
      const invoked = await transport.invoke({ function: "preuserinfo" }, {});
      expect(invoked).toEqual({});
    } finally {
      transport.close();
    }
  });
});
