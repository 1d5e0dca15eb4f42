import { generateKeyPairSync } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pkcs1ToPkcs8 } from "../src/auth/service-account-key.js";
import { createTokenCache } from "../src/auth/token-cache.js";
import {
  createActionsClient,
  createActionsTransport,
  createClientCredentialsAuth,
  createJwtProfileAuth,
  createTokenAuth,
  type TokenProvider,
} from "../src/node.js";
import { createRecordingFetch, type SentRequest } from "./helpers/auth-fetch.js";
import { createApplicationKeyFile, createServiceAccountKeyFile } from "./helpers/auth-keys.js";
import {
  startActionsServer,
  startOAuthServer,
  type TestActionsServer,
  type TestOAuthServer,
} from "./helpers/auth-server.js";
import { rejection } from "./helpers/rejection.js";

const apiScope = "urn:zitadel:iam:org:project:id:zitadel:aud";

let oauth: TestOAuthServer;
let api: TestActionsServer;
const account = createServiceAccountKeyFile();

beforeAll(async () => {
  oauth = await startOAuthServer();
  oauth.oauth.addServiceAccountKey({
    userId: account.file.userId,
    keyId: account.file.keyId,
    publicKey: account.publicKeyPem,
  });
  oauth.oauth.addClient({ clientId: "svc-user", clientSecret: "cc-secret-value" });
  api = await startActionsServer({
    checkToken: (token) => token === "pat-123" || oauth.oauth.isValidToken(token),
  });
});
afterAll(async () => {
  await api.close();
  await oauth.close();
});

function clientWith(auth: TokenProvider, baseUrl = api.baseUrl) {
  return createActionsClient(createActionsTransport({ baseUrl, auth, retry: false }));
}

describe("createTokenAuth", () => {
  it("sends a personal access token as bearer", async () => {
    const client = clientWith(createTokenAuth("pat-123"));
    await client.raw.action.getTarget({ id: "1" });
    expect(api.seen.at(-1)).toMatchObject({ method: "GetTarget", authorization: "Bearer pat-123" });
  });

  it("calls a token function for every request", async () => {
    let calls = 0;
    const client = clientWith(
      createTokenAuth(async () => {
        calls++;
        return "pat-123";
      }),
    );
    await client.raw.action.getTarget({ id: "1" });
    await client.raw.action.listTargets({});
    expect(calls).toBe(2);
  });

  it("keeps the transport's `token` option working as before", async () => {
    const client = createActionsClient(
      createActionsTransport({ baseUrl: api.baseUrl, token: "pat-123" }),
    );
    await client.raw.management.listActions({});
    expect(api.seen.at(-1)?.authorization).toBe("Bearer pat-123");
  });

  it("refuses an empty token up front and a function returning none at call time", async () => {
    expect(() => createTokenAuth("")).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument }),
    );
    const before = api.seen.length;
    const err = await rejection(
      clientWith(createTokenAuth(() => "")).raw.action.getTarget({ id: "1" }),
    );
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toContain("token");
    expect(api.seen.length).toBe(before);
  });

  it("is answered Unauthenticated by the server for a wrong token", async () => {
    const err = await rejection(
      clientWith(createTokenAuth("wrong")).raw.action.getTarget({ id: "1" }),
    );
    expect(err.code).toBe(Code.Unauthenticated);
  });
});

describe("createJwtProfileAuth", () => {
  it("exchanges an RS256 assertion from the key file and calls the API with the token", async () => {
    const sent: SentRequest[] = [];
    const auth = createJwtProfileAuth({
      key: account.file,
      issuer: oauth.issuer,
      fetch: createRecordingFetch(sent),
    });
    await clientWith(auth).raw.action.getTarget({ id: "1" });
    expect(sent).toHaveLength(1);
    const request = sent[0]!;
    expect(request.url).toBe(`${oauth.issuer}/oauth/v2/token`);
    expect(request.body.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(request.body.get("scope")?.split(" ")).toEqual(["openid", apiScope]);
    const assertion = request.body.get("assertion")!;
    expect(decodeProtectedHeader(assertion)).toMatchObject({
      alg: "RS256",
      kid: account.file.keyId,
    });
    const claims = decodeJwt(assertion);
    expect(claims).toMatchObject({
      iss: account.file.userId,
      sub: account.file.userId,
      aud: oauth.issuer,
    });
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(3600);
    const authorization = api.seen.at(-1)!.authorization!;
    expect(oauth.oauth.isValidToken(authorization.replace("Bearer ", ""))).toBe(true);
  });

  it("accepts the key file as JSON text, a PKCS#8 key and extra scopes", async () => {
    const pkcs8 = createServiceAccountKeyFile({ format: "pkcs8" });
    oauth.oauth.addServiceAccountKey({ ...pkcs8.file, publicKey: pkcs8.publicKeyPem });
    const sent: SentRequest[] = [];
    const auth = createJwtProfileAuth({
      key: JSON.stringify(pkcs8.file),
      issuer: `${oauth.issuer}/`,
      scopes: ["urn:zitadel:iam:user:metadata", apiScope],
      fetch: createRecordingFetch(sent),
    });
    await clientWith(auth).raw.action.listTargets({});
    expect(sent[0]!.body.get("scope")).toBe(`openid ${apiScope} urn:zitadel:iam:user:metadata`);
  });

  it("reuses its token until it nears expiry", async () => {
    const auth = createJwtProfileAuth({ key: account.file, issuer: oauth.issuer });
    const client = clientWith(auth);
    const before = oauth.oauth.tokenRequests();
    for (let i = 0; i < 5; i++) await client.raw.action.listTargets({});
    expect(oauth.oauth.tokenRequests() - before).toBe(1);
  });

  it("refuses an application key file with a clear error", () => {
    const app = createApplicationKeyFile();
    for (const key of [app, JSON.stringify(app)]) {
      let error: unknown;
      try {
        createJwtProfileAuth({ key: key as never, issuer: oauth.issuer });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.InvalidArgument);
      expect((error as ConnectError).rawMessage).toMatch(
        /application key file.*service-account key/,
      );
      expect((error as ConnectError).message).not.toContain("PRIVATE KEY");
    }
  });

  it.each([
    ["JSON text that is not JSON", "{not json", /^key: not valid JSON/],
    [
      "a missing type",
      { ...account.file, type: undefined },
      /^key\.type: must be "serviceaccount"/,
    ],
    [
      "a missing userId",
      { ...account.file, userId: "" },
      /^key\.userId: must be a non-empty string/,
    ],
    [
      "a missing keyId",
      { ...account.file, keyId: undefined },
      /^key\.keyId: must be a non-empty string/,
    ],
    [
      "a key that is not PEM",
      { ...account.file, key: "abc" },
      /^key\.key: must be a PEM RSA private key/,
    ],
    ["a number", 42, /^key: must be a service-account key file/],
  ])("refuses %s, naming the field", (_name, key, message) => {
    expect(() => createJwtProfileAuth({ key: key as never, issuer: oauth.issuer })).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: expect.stringMatching(message),
      }),
    );
  });

  it("reports a PEM that does not hold an RSA key as InvalidArgument at the first call", async () => {
    const broken = {
      ...account.file,
      key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
    };
    const auth = createJwtProfileAuth({ key: broken, issuer: oauth.issuer });
    const err = await rejection(auth.getToken());
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toBe("key.key: could not be imported as an RSA private key");
  });

  it("turns a refused assertion into Unauthenticated with the OAuth error code", async () => {
    const stranger = createServiceAccountKeyFile();
    const auth = createJwtProfileAuth({ key: stranger.file, issuer: oauth.issuer });
    const before = api.seen.length;
    const err = await rejection(clientWith(auth).raw.action.getTarget({ id: "1" }));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toMatch(/^token endpoint: invalid_grant \(HTTP 400\)/);
    expect(api.seen.length).toBe(before);
  });

  it("fetches a new token after the server refuses the cached one", async () => {
    const auth = createJwtProfileAuth({ key: account.file, issuer: oauth.issuer });
    const client = clientWith(auth);
    await client.raw.action.listTargets({});
    const first = await auth.getToken();
    oauth.oauth.revokeToken(first);
    const err = await rejection(client.raw.action.listTargets({}));
    expect(err.code).toBe(Code.Unauthenticated);
    await client.raw.action.listTargets({});
    const second = await auth.getToken();
    expect(second).not.toBe(first);
    expect(oauth.oauth.isValidToken(second)).toBe(true);
  });
});

describe("createClientCredentialsAuth", () => {
  it("authenticates with HTTP Basic and calls the API with the token", async () => {
    const sent: SentRequest[] = [];
    const auth = createClientCredentialsAuth({
      clientId: "svc-user",
      clientSecret: "cc-secret-value",
      issuer: oauth.issuer,
      fetch: createRecordingFetch(sent),
    });
    await clientWith(auth).raw.management.getFlow({ type: "1" });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.get("authorization")).toBe(
      `Basic ${Buffer.from("svc-user:cc-secret-value").toString("base64")}`,
    );
    expect(sent[0]!.body.get("grant_type")).toBe("client_credentials");
    expect(sent[0]!.body.has("client_secret")).toBe(false);
    expect(sent[0]!.body.get("scope")).toBe(`openid ${apiScope}`);
    expect(api.seen.at(-1)?.method).toBe("GetFlow");
  });

  it("turns a wrong secret into Unauthenticated with invalid_client", async () => {
    const auth = createClientCredentialsAuth({
      clientId: "svc-user",
      clientSecret: "nope",
      issuer: oauth.issuer,
    });
    const err = await rejection(clientWith(auth).raw.action.listTargets({}));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toMatch(/^token endpoint: invalid_client \(HTTP 401\)/);
  });

  it.each([
    [{ clientId: "", clientSecret: "x", issuer: "https://z.example" }, /^clientId:/],
    [{ clientId: "a", clientSecret: "", issuer: "https://z.example" }, /^clientSecret:/],
    [{ clientId: "a", clientSecret: "x", issuer: "not a url" }, /^issuer: must be an absolute/],
    [
      { clientId: "a", clientSecret: "x", issuer: "https://z.example", scopes: ["a b"] },
      /^scopes:/,
    ],
  ])("refuses bad options %#, naming the field", (options, message) => {
    expect(() => createClientCredentialsAuth(options)).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: expect.stringMatching(message),
      }),
    );
  });
});

describe("expiry: one refresh for many concurrent calls", () => {
  let shortLived: TestOAuthServer;
  let shortApi: TestActionsServer;
  beforeAll(async () => {
    shortLived = await startOAuthServer({ tokenTtlSec: 1 });
    shortLived.oauth.addServiceAccountKey({ ...account.file, publicKey: account.publicKeyPem });
    shortLived.oauth.addClient({ clientId: "svc-user", clientSecret: "cc-secret-value" });
    shortApi = await startActionsServer({ checkToken: (t) => shortLived.oauth.isValidToken(t) });
  });
  afterAll(async () => {
    await shortApi.close();
    await shortLived.close();
  });

  const providers: [string, () => TokenProvider][] = [
    ["JWT profile", () => createJwtProfileAuth({ key: account.file, issuer: shortLived.issuer })],
    [
      "client credentials",
      () =>
        createClientCredentialsAuth({
          clientId: "svc-user",
          clientSecret: "cc-secret-value",
          issuer: shortLived.issuer,
        }),
    ],
  ];

  it.each(providers)(
    "%s: 50 concurrent calls at expiry send exactly one token request",
    async (_name, make) => {
      const client = clientWith(make(), shortApi.baseUrl);
      const start = shortLived.oauth.tokenRequests();
      await Promise.all(Array.from({ length: 50 }, () => client.raw.action.listTargets({})));
      expect(shortLived.oauth.tokenRequests() - start).toBe(1);
      // Let the one-second token expire, then hit the provider with 50 calls at once.
      await new Promise((r) => setTimeout(r, 1100));
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => client.raw.action.listTargets({})),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      expect(shortLived.oauth.tokenRequests() - start).toBe(2);
    },
  );
});

describe("protocols", () => {
  it.each(["grpc-web", "connect"] as const)(
    "authenticates over %s (HTTP/1.1) too",
    async (protocol) => {
      const server = await startActionsServer({
        http1: true,
        checkToken: (t) => oauth.oauth.isValidToken(t),
      });
      try {
        const auth = createJwtProfileAuth({ key: account.file, issuer: oauth.issuer });
        const client = createActionsClient(
          createActionsTransport({ baseUrl: server.baseUrl, protocol, auth }),
        );
        await client.raw.action.listExecutionServices({});
        expect(server.calls("ListExecutionServices")).toBe(1);
      } finally {
        await server.close();
      }
    },
  );
});

describe("PKCS#1 key files", () => {
  it.each([1024, 2048, 3072])(
    "rewrap a %i-bit PKCS#1 key byte-for-byte as Node's PKCS#8",
    (bits) => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
      const pkcs1 = new Uint8Array(privateKey.export({ type: "pkcs1", format: "der" }));
      const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
      expect(Buffer.from(pkcs1ToPkcs8(pkcs1)).equals(pkcs8)).toBe(true);
    },
  );
});

describe("token cache refresh failures", () => {
  it("keeps a still-valid token when its refresh fails, and fails once it has expired", async () => {
    let clock = 0;
    let fail = false;
    let fetches = 0;
    const cache = createTokenCache(
      async () => {
        fetches++;
        if (fail)
          throw new ConnectError("token endpoint: temporarily_unavailable", Code.Unavailable);
        return { accessToken: `t${fetches}`, issuedAt: clock, expiresAt: clock + 100_000 };
      },
      () => clock,
    );
    expect(await cache.get()).toBe("t1");
    fail = true;
    clock = 95_000; // inside the refresh margin (10 s), still valid
    expect(await cache.get()).toBe("t1");
    expect(await cache.get()).toBe("t1");
    expect(fetches).toBe(3);
    clock = 100_000; // expired
    await expect(cache.get()).rejects.toMatchObject({ code: Code.Unavailable });
    fail = false;
    expect(await cache.get()).toBe("t5");
  });

  it("lets one waiter give up without failing the others", async () => {
    let release: (v: { accessToken: string; issuedAt: number; expiresAt: number }) => void =
      () => {};
    const cache = createTokenCache(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const controller = new AbortController();
    const impatient = cache.get(controller.signal);
    const patient = cache.get();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ code: Code.Canceled });
    release({ accessToken: "t", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 });
    expect(await patient).toBe("t");
  });
});
