import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createActionsClient,
  createActionsTransport,
  createClientCredentialsAuth,
  createTokenAuth,
} from "../src/node.js";
import {
  createTokenAuth as createWebTokenAuth,
  createActionsTransport as createWebTransport,
} from "../src/web.js";
import {
  startActionsServer,
  startSilentServer,
  type TestActionsServer,
} from "./helpers/auth-server.js";
import { rejection } from "./helpers/rejection.js";

let h2: TestActionsServer;
let h1: TestActionsServer;
beforeAll(async () => {
  h2 = await startActionsServer();
  h1 = await startActionsServer({ http1: true });
  for (const server of [h2, h1]) {
    server.hang("GetTarget");
    server.hang("CreateTarget");
    server.hang("ListActions");
  }
});
afterAll(async () => {
  await h2.close();
  await h1.close();
});

const protocols = [
  ["grpc", () => h2.baseUrl],
  ["grpc-web", () => h1.baseUrl],
  ["connect", () => h1.baseUrl],
] as const;

describe.each(protocols)("over %s", (protocol, baseUrl) => {
  function client(options: { defaultTimeoutMs?: number } = {}) {
    return createActionsClient(
      createActionsTransport({ baseUrl: baseUrl(), protocol, token: "t", ...options }),
    );
  }

  it("ends a slow call at its timeoutMs with DeadlineExceeded", async () => {
    const err = await rejection(client().raw.action.getTarget({ id: "1" }, { timeoutMs: 150 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
  });

  it("applies defaultTimeoutMs to calls without their own", async () => {
    const err = await rejection(client({ defaultTimeoutMs: 150 }).raw.management.listActions({}));
    expect(err.code).toBe(Code.DeadlineExceeded);
  });

  it("ends a slow non-idempotent call at its deadline too, without retrying it", async () => {
    const server = protocol === "grpc" ? h2 : h1;
    const before = server.calls("CreateTarget");
    const err = await rejection(
      client().raw.action.createTarget({ name: "x" }, { timeoutMs: 150 }),
    );
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(server.calls("CreateTarget") - before).toBe(1);
  });

  it("ends a slow call with Canceled when its signal aborts", async () => {
    const controller = new AbortController();
    const call = client().raw.action.getTarget({ id: "1" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(call);
    expect(err.code).toBe(Code.Canceled);
  });

  it("sends nothing for a call whose signal is already aborted", async () => {
    const server = protocol === "grpc" ? h2 : h1;
    const before = server.calls("ListTargets");
    const err = await rejection(
      client().raw.action.listTargets({}, { signal: AbortSignal.abort() }),
    );
    expect(err.code).toBe(Code.Canceled);
    expect(server.calls("ListTargets") - before).toBe(0);
  });
});

describe("deadlines while fetching a token", () => {
  it("ends the call at its deadline while the token endpoint does not answer", async () => {
    const silent = await startSilentServer();
    try {
      const auth = createClientCredentialsAuth({
        clientId: "a",
        clientSecret: "b",
        issuer: silent.url,
      });
      const client = createActionsClient(createActionsTransport({ baseUrl: h2.baseUrl, auth }));
      const before = h2.seen.length;
      const err = await rejection(client.raw.action.listTargets({}, { timeoutMs: 150 }));
      expect(err.code).toBe(Code.DeadlineExceeded);
      const aborted = await rejection(
        client.raw.action.listTargets({}, { signal: AbortSignal.abort() }),
      );
      expect(aborted.code).toBe(Code.Canceled);
      expect(h2.seen.length).toBe(before);
      // Both calls shared the one token request still in flight.
      expect(silent.requests()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it("ends the call when a token function never settles", async () => {
    const auth = createTokenAuth(() => new Promise<string>(() => {}));
    const client = createActionsClient(createActionsTransport({ baseUrl: h2.baseUrl, auth }));
    const err = await rejection(client.raw.action.listTargets({}, { timeoutMs: 100 }));
    expect(err.code).toBe(Code.DeadlineExceeded);
  });
});

describe("web transport", () => {
  it("honours timeoutMs and defaultTimeoutMs over fetch", async () => {
    const transport = createWebTransport({
      baseUrl: h1.baseUrl,
      auth: createWebTokenAuth("t"),
      defaultTimeoutMs: 150,
    });
    const client = createActionsClient(transport);
    expect((await rejection(client.raw.action.getTarget({ id: "1" }))).code).toBe(
      Code.DeadlineExceeded,
    );
    expect(
      (await rejection(client.raw.action.getTarget({ id: "1" }, { timeoutMs: 100 }))).code,
    ).toBe(Code.DeadlineExceeded);
  });
});

describe("defaultTimeoutMs validation", () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, "100"])("refuses %s", (value) => {
    expect(() =>
      createActionsTransport({ baseUrl: h2.baseUrl, defaultTimeoutMs: value as number }),
    ).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: "defaultTimeoutMs: must be a positive finite number of milliseconds",
      }),
    );
  });
});
