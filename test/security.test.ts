import { inspect } from "node:util";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createActionsClient,
  createActionsTransport,
  createClientCredentialsAuth,
  createJwtProfileAuth,
  createTokenAuth,
  type TokenProvider,
} from "../src/node.js";
import { createActionsTransport as createWebTransport } from "../src/web.js";
import { createRecordingFetch, type SentRequest } from "./helpers/auth-fetch.js";
import { createServiceAccountKeyFile } from "./helpers/auth-keys.js";
import {
  startActionsServer,
  startOAuthServer,
  type TestActionsServer,
  type TestOAuthServer,
} from "./helpers/auth-server.js";
import { rejection } from "./helpers/rejection.js";

const secret = "cc-SECRET-4f9a2b";
const pat = "pat-SECRET-0c1d2e";
const account = createServiceAccountKeyFile();
const keyBody = account.file.key.split("\n")[1]!;

let oauth: TestOAuthServer;
let api: TestActionsServer;
beforeAll(async () => {
  oauth = await startOAuthServer();
  oauth.oauth.addServiceAccountKey({ ...account.file, publicKey: account.publicKeyPem });
  oauth.oauth.addClient({ clientId: "svc", clientSecret: secret });
  api = await startActionsServer({ checkToken: (t) => t === pat || oauth.oauth.isValidToken(t) });
});
afterAll(async () => {
  await api.close();
  await oauth.close();
});

/** Everything a log line or error report could show about a value. */
function everyRendering(value: unknown): string {
  const parts = [String(value), inspect(value, { depth: 10, showHidden: true })];
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    parts.push("");
  }
  if (value instanceof Error) {
    parts.push(value.message, value.stack ?? "", inspect(value.cause, { depth: 10 }));
  }
  return parts.join("\n");
}

function expectNoSecrets(text: string, secrets: string[]): void {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe("plain http with credentials", () => {
  const remote = "http://zitadel.example.com";
  const credentials: [string, () => { token?: string; auth?: TokenProvider }][] = [
    ["token", () => ({ token: pat })],
    ["auth", () => ({ auth: createTokenAuth(pat) })],
    [
      "auth (JWT profile)",
      () => ({
        auth: createJwtProfileAuth({ key: account.file, issuer: "https://zitadel.example.com" }),
      }),
    ],
  ];

  it.each(credentials)("is refused for a non-loopback host with %s", (_name, make) => {
    for (const create of [createActionsTransport, createWebTransport]) {
      let error: unknown;
      try {
        create({ baseUrl: remote, ...make() });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.InvalidArgument);
      expect((error as ConnectError).rawMessage).toBe(
        "baseUrl: refusing to send credentials over plain http to zitadel.example.com; use https or set allowInsecure: true",
      );
      expectNoSecrets(everyRendering(error), [pat]);
    }
  });

  it.each(credentials)("is allowed with allowInsecure: true (%s)", (_name, make) => {
    expect(() =>
      createActionsTransport({ baseUrl: remote, allowInsecure: true, ...make() }),
    ).not.toThrow();
  });

  it.each([
    "http://127.0.0.1:8080",
    "http://127.9.9.9",
    "http://localhost:8080",
    "http://api.localhost",
    "http://[::1]:8080",
  ])("is allowed for loopback %s", (baseUrl) => {
    expect(() => createActionsTransport({ baseUrl, token: pat })).not.toThrow();
  });

  it("is allowed without credentials and over https", () => {
    expect(() => createActionsTransport({ baseUrl: remote })).not.toThrow();
    expect(() =>
      createActionsTransport({ baseUrl: "https://zitadel.example.com", token: pat }),
    ).not.toThrow();
  });

  it("is refused for a provider's non-loopback http issuer unless allowInsecure", () => {
    const options = { clientId: "svc", clientSecret: secret, issuer: "http://zitadel.example.com" };
    expect(() => createClientCredentialsAuth(options)).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: expect.stringMatching(/^issuer: refusing/),
      }),
    );
    expect(() =>
      createJwtProfileAuth({ key: account.file, issuer: "http://zitadel.example.com" }),
    ).toThrow(/issuer: refusing/);
    expect(() => createClientCredentialsAuth({ ...options, allowInsecure: true })).not.toThrow();
  });

  it("refuses token and auth together, and an auth that is not a provider", () => {
    expect(() =>
      createActionsTransport({ baseUrl: api.baseUrl, token: pat, auth: createTokenAuth(pat) }),
    ).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: "token, auth: set one of them, not both",
      }),
    );
    expect(() =>
      createActionsTransport({ baseUrl: api.baseUrl, auth: { token: pat } as never }),
    ).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        rawMessage: expect.stringMatching(/^auth: must be a token provider/),
      }),
    );
  });

  it("refuses baseUrls that are not http(s)", () => {
    for (const baseUrl of ["zitadel.example.com", "ftp://zitadel.example.com"]) {
      expect(() => createActionsTransport({ baseUrl })).toThrow(
        expect.objectContaining({
          code: Code.InvalidArgument,
          rawMessage: expect.stringMatching(/^baseUrl: must/),
        }),
      );
    }
  });
});

describe("providers do not show their secrets", () => {
  it("in toString, JSON.stringify, inspect or their own keys, even after fetching a token", async () => {
    const jwt = createJwtProfileAuth({ key: JSON.stringify(account.file), issuer: oauth.issuer });
    const cc = createClientCredentialsAuth({
      clientId: "svc",
      clientSecret: secret,
      issuer: oauth.issuer,
    });
    const token = createTokenAuth(pat);
    const fetched = [await jwt.getToken(), await cc.getToken()];
    for (const provider of [jwt, cc, token]) {
      const text = [everyRendering(provider), Object.keys(provider).join(","), `${provider}`].join(
        "\n",
      );
      expectNoSecrets(text, [secret, pat, keyBody, ...fetched]);
    }
    expect(String(jwt)).toBe(
      `[JwtProfileAuth issuer=${oauth.issuer} userId=${account.file.userId} keyId=${account.file.keyId}]`,
    );
    expect(JSON.parse(JSON.stringify(cc))).toEqual({
      kind: "ClientCredentialsAuth",
      issuer: oauth.issuer,
      clientId: "svc",
    });
    expect(Object.isFrozen(cc)).toBe(true);
  });
});

describe("errors do not carry secrets", () => {
  it("for a refused client secret", async () => {
    const auth = createClientCredentialsAuth({
      clientId: "svc",
      clientSecret: `${secret}-wrong`,
      issuer: oauth.issuer,
    });
    const err = await rejection(
      createActionsClient(
        createActionsTransport({ baseUrl: api.baseUrl, auth }),
      ).raw.action.listTargets({}),
    );
    expect(err.code).toBe(Code.Unauthenticated);
    expectNoSecrets(everyRendering(err), [
      secret,
      Buffer.from(`svc:${secret}-wrong`).toString("base64"),
    ]);
  });

  it("for a refused assertion", async () => {
    const stranger = createServiceAccountKeyFile();
    const sent: SentRequest[] = [];
    const auth = createJwtProfileAuth({
      key: stranger.file,
      issuer: oauth.issuer,
      fetch: createRecordingFetch(sent),
    });
    const err = await rejection(auth.getToken());
    expect(err.code).toBe(Code.Unauthenticated);
    const assertion = sent[0]!.body.get("assertion")!;
    expectNoSecrets(everyRendering(err), [assertion, stranger.file.key.split("\n")[1]!]);
  });

  it("for a token endpoint that echoes the request back", async () => {
    const echo: typeof fetch = async (_url, init) =>
      new Response(
        JSON.stringify({
          error: "invalid_request",
          error_description: `bad body: ${String(init?.body)}`,
        }),
        { status: 400, headers: { "content-type": "application/json" } },
      );
    const sent: SentRequest[] = [];
    const recording = createRecordingFetch(sent);
    const auth = createJwtProfileAuth({
      key: account.file,
      issuer: oauth.issuer,
      fetch: (url, init) => {
        void recording(url, init).catch(() => {});
        return echo(url, init);
      },
    });
    const err = await rejection(auth.getToken());
    expect(err.rawMessage).toMatch(/^token endpoint: invalid_request \(HTTP 400\): bad body: /);
    expect(err.rawMessage).toContain("[redacted]");
    expectNoSecrets(everyRendering(err), [sent[0]!.body.get("assertion")!]);
  });

  it("for an unreachable token endpoint (Unavailable, cause kept)", async () => {
    const auth = createClientCredentialsAuth({
      clientId: "svc",
      clientSecret: secret,
      issuer: "http://127.0.0.1:9",
    });
    const err = await rejection(auth.getToken());
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(
      "token endpoint: request to http://127.0.0.1:9/oauth/v2/token failed",
    );
    expect(err.cause).toBeDefined();
    expectNoSecrets(everyRendering(err), [secret]);
  });

  it("for a key file that is not JSON", () => {
    let error: unknown;
    try {
      createJwtProfileAuth({
        key: `{"type":"serviceaccount","key":"${keyBody}"`,
        issuer: oauth.issuer,
      });
    } catch (e) {
      error = e;
    }
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expectNoSecrets(everyRendering(error), [keyBody]);
  });

  it("for a token that cannot be a header value", async () => {
    const bad = `${pat}\n`;
    const client = createActionsClient(
      createActionsTransport({ baseUrl: api.baseUrl, token: () => bad }),
    );
    const err = await rejection(client.raw.action.listTargets({}));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toBe(
      "token: the token contains characters not allowed in an HTTP header",
    );
    expectNoSecrets(everyRendering(err), [pat]);
    expect(() => createTokenAuth(`${pat} x`)).toThrow(
      expect.objectContaining({ code: Code.InvalidArgument }),
    );
  });

  it("for a server that refuses a token", async () => {
    const client = createActionsClient(
      createActionsTransport({ baseUrl: api.baseUrl, token: `${pat}-revoked` }),
    );
    const err = await rejection(client.raw.action.listTargets({}));
    expect(err.code).toBe(Code.Unauthenticated);
    expectNoSecrets(everyRendering(err), [pat]);
  });
});
