import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import {
  createActionsClient,
  createActionsTransport,
  createClientCredentialsAuth,
  createJwtProfileAuth,
  type TokenProvider,
} from "../src/node.js";
import { createServiceAccountKeyFile } from "./helpers/auth-keys.js";

const account = createServiceAccountKeyFile();

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ requireAuth: true, tokenTtlSec: 1 });
  emulator.addServiceAccountKey({ ...account.file, publicKey: account.publicKeyPem });
  emulator.addClient({ clientId: "ci-client", clientSecret: "ci-secret-value-123" });
});
afterAll(() => emulator.close());

const providers: [string, () => TokenProvider][] = [
  ["JWT profile", () => createJwtProfileAuth({ key: account.file, issuer: emulator.baseUrl })],
  [
    "client credentials",
    () =>
      createClientCredentialsAuth({
        clientId: "ci-client",
        clientSecret: "ci-secret-value-123",
        issuer: emulator.baseUrl,
      }),
  ],
];

describe("token providers against the emulator's /oauth/v2/token", () => {
  it("refuses calls without a token", async () => {
    const client = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl }));
    await expect(client.listExecutionFunctions()).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
  });

  it.each(providers)(
    "%s: 50 concurrent calls at expiry cause exactly one refresh",
    async (_n, make) => {
      const client = createActionsClient(
        createActionsTransport({ baseUrl: emulator.baseUrl, auth: make() }),
      );
      const start = emulator.oauth.tokenRequests();
      await Promise.all(Array.from({ length: 50 }, () => client.listExecutionFunctions()));
      expect(emulator.oauth.tokenRequests() - start).toBe(1);
      await new Promise((r) => setTimeout(r, 1100));
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => client.listExecutionFunctions()),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      expect(emulator.oauth.tokenRequests() - start).toBe(2);
    },
  );

  it("rejects an assertion signed by a key the emulator does not know", async () => {
    const stranger = createServiceAccountKeyFile();
    const client = createActionsClient(
      createActionsTransport({
        baseUrl: emulator.baseUrl,
        auth: createJwtProfileAuth({ key: stranger.file, issuer: emulator.baseUrl }),
      }),
    );
    const err = await client.listExecutionFunctions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
    expect(String(err)).not.toContain(stranger.file.key.slice(40, 80));
  });
});
