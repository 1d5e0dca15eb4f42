import { createPrivateKey, createPublicKey } from "node:crypto";
import http from "node:http";
import { createLocalJWKSet, createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOAuthEndpoints } from "../src/emulator/oauth.js";
import { createServiceAccountKeyFile } from "./helpers/auth-keys.js";
import { startOAuthServer, type TestOAuthServer } from "./helpers/auth-server.js";
import { listenLoopback } from "./helpers/loopback.js";

const apiScope = "urn:zitadel:iam:org:project:id:zitadel:aud";
const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

let server: TestOAuthServer;
const account = createServiceAccountKeyFile({ userId: "user-1", keyId: "key-1" });
const signingKey = await importPKCS8(
  createPrivateKey(account.file.key).export({ type: "pkcs8", format: "pem" }).toString(),
  "RS256",
);

beforeAll(async () => {
  server = await startOAuthServer();
  server.oauth.addServiceAccountKey({
    userId: account.file.userId,
    keyId: account.file.keyId,
    publicKey: account.publicKeyPem,
  });
  server.oauth.addClient({ clientId: "svc-client", clientSecret: "s3cr:et+ü" });
});
afterAll(() => server.close());

function assertion(
  claims: { iss?: string; sub?: string; aud?: string; exp?: number; iat?: number } = {},
  kid = account.file.keyId,
  key = signingKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: account.file.userId,
    sub: account.file.userId,
    aud: server.issuer,
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", kid })
    .sign(key);
}

async function postToken(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${server.issuer}/oauth/v2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

describe("token endpoint, JWT profile grant", () => {
  it("issues a bearer token for a valid assertion, usable for the API", async () => {
    const before = server.oauth.tokenRequests();
    const res = await postToken({
      grant_type: jwtBearer,
      assertion: await assertion(),
      scope: `openid ${apiScope}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const token = res.body.access_token as string;
    expect(token).toMatch(/^[\w-]{20,}$/);
    expect(server.oauth.isValidToken(token)).toBe(true);
    expect(server.oauth.tokenInfo(token)).toMatchObject({
      subject: "user-1",
      scopes: ["openid", apiScope],
    });
    expect(server.oauth.tokenRequests()).toBe(before + 1);
    server.oauth.revokeToken(token);
    expect(server.oauth.isValidToken(token)).toBe(false);
  });

  it("issues tokens without the API audience scope that the API does not accept", async () => {
    const res = await postToken({
      grant_type: jwtBearer,
      assertion: await assertion(),
      scope: "openid",
    });
    expect(res.status).toBe(200);
    expect(server.oauth.isValidToken(res.body.access_token as string)).toBe(false);
  });

  it("accepts an audience list that contains the issuer", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({
      iss: "user-1",
      sub: "user-1",
      aud: ["other", server.issuer],
      iat: now,
      exp: now + 60,
    })
      .setProtectedHeader({ alg: "RS256", kid: "key-1" })
      .sign(signingKey);
    const res = await postToken({ grant_type: jwtBearer, assertion: jwt, scope: apiScope });
    expect(res.status).toBe(200);
  });

  const otherKey = createServiceAccountKeyFile({ userId: "user-1", keyId: "key-1" });
  it.each([
    ["an unregistered kid", () => assertion({}, "key-unknown"), "kid"],
    [
      "a signature by another key",
      async () =>
        assertion(
          {},
          "key-1",
          await importPKCS8(
            createPrivateKey(otherKey.file.key).export({ type: "pkcs8", format: "pem" }).toString(),
            "RS256",
          ),
        ),
      "signature",
    ],
    ["another issuer", () => assertion({ iss: "user-2" }), "iss and sub"],
    ["another subject", () => assertion({ sub: "user-2" }), "iss and sub"],
    ["another audience", () => assertion({ aud: "https://elsewhere.example" }), '"aud"'],
    [
      "an expired assertion",
      () =>
        assertion({
          iat: Math.floor(Date.now() / 1000) - 7200,
          exp: Math.floor(Date.now() / 1000) - 3600,
        }),
      "expired",
    ],
    ["a non-JWT", async () => "not-a-jwt", "not a JWT"],
  ])("refuses %s with invalid_grant", async (_name, make, reason) => {
    const res = await postToken({
      grant_type: jwtBearer,
      assertion: await make(),
      scope: apiScope,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_grant");
    expect(String(res.body.error_description)).toContain(reason);
  });

  it("accepts keys registered as a private PEM, a KeyObject or a JWK", async () => {
    const cases = [
      (k: ReturnType<typeof createServiceAccountKeyFile>) => k.file.key,
      (k: ReturnType<typeof createServiceAccountKeyFile>) => createPublicKey(k.publicKeyPem),
      (k: ReturnType<typeof createServiceAccountKeyFile>) =>
        createPublicKey(k.publicKeyPem).export({ format: "jwk" }),
    ];
    for (const [i, toKey] of cases.entries()) {
      const k = createServiceAccountKeyFile({ userId: `u${i}`, keyId: `k${i}` });
      server.oauth.addServiceAccountKey({
        userId: `u${i}`,
        keyId: `k${i}`,
        publicKey: toKey(k) as string,
      });
      const key = await importPKCS8(
        createPrivateKey(k.file.key).export({ type: "pkcs8", format: "pem" }).toString(),
        "RS256",
      );
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({
        iss: `u${i}`,
        sub: `u${i}`,
        aud: server.issuer,
        iat: now,
        exp: now + 60,
      })
        .setProtectedHeader({ alg: "RS256", kid: `k${i}` })
        .sign(key);
      const res = await postToken({ grant_type: jwtBearer, assertion: jwt, scope: apiScope });
      expect(res.status, `case ${i}`).toBe(200);
    }
    expect(() =>
      server.oauth.addServiceAccountKey({ userId: "x", keyId: "y", publicKey: "not a key" }),
    ).toThrow(/publicKey/);
  });
});

describe("token endpoint, client credentials grant", () => {
  it("accepts HTTP Basic with form-encoded id and secret", async () => {
    const res = await postToken(
      { grant_type: "client_credentials", scope: `openid ${apiScope}` },
      { authorization: basic("svc-client", "s3cr:et+ü") },
    );
    expect(res.status).toBe(200);
    expect(server.oauth.tokenInfo(res.body.access_token as string)?.subject).toBe("svc-client");
  });

  it("accepts client_id and client_secret form fields", async () => {
    const res = await postToken({
      grant_type: "client_credentials",
      client_id: "svc-client",
      client_secret: "s3cr:et+ü",
      scope: apiScope,
    });
    expect(res.status).toBe(200);
    expect(server.oauth.isValidToken(res.body.access_token as string)).toBe(true);
  });

  it.each([
    ["a wrong secret", { authorization: basic("svc-client", "wrong") }, {}],
    ["an unknown client", { authorization: basic("nobody", "s3cr:et+ü") }, {}],
    ["no credentials", {}, {}],
    ["a wrong form secret", {}, { client_id: "svc-client", client_secret: "s3cr:et" }],
  ])("refuses %s with 401 invalid_client", async (_name, headers, form) => {
    const res = await postToken({ grant_type: "client_credentials", ...form }, headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(JSON.stringify(res.body)).not.toContain("s3cr");
  });
});

describe("token endpoint, protocol errors", () => {
  it("refuses unknown grant types", async () => {
    const res = await postToken({ grant_type: "password", username: "a", password: "b" });
    expect(res).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
  });

  it("refuses a missing assertion and a non-form body", async () => {
    expect(await postToken({ grant_type: jwtBearer })).toMatchObject({
      status: 400,
      body: { error: "invalid_request" },
    });
    const res = await fetch(`${server.issuer}/oauth/v2/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(400);
  });

  it("answers GET on the token endpoint with 405", async () => {
    const res = await fetch(`${server.issuer}/oauth/v2/token`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("counts every request to the token endpoint", async () => {
    const before = server.oauth.tokenRequests();
    await postToken({ grant_type: "nope" });
    await postToken({
      grant_type: "client_credentials",
      client_id: "svc-client",
      client_secret: "s3cr:et+ü",
    });
    expect(server.oauth.tokenRequests()).toBe(before + 2);
  });
});

describe("keys and signing", () => {
  it("serves its JWKS and signs payloads verbatim with that key", async () => {
    const jwks = server.oauth.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const payload = { function: "preaccesstoken", user: { id: "1" } };
    const jwt = await server.oauth.signJwt(payload);
    const remote = createRemoteJWKSet(new URL(`${server.issuer}/oauth/v2/keys`));
    const verified = await jwtVerify(jwt, remote);
    expect(verified.payload).toEqual(payload);
    expect(verified.protectedHeader).toMatchObject({
      alg: "RS256",
      typ: "JWT",
      kid: jwks.keys[0]!.kid,
    });
    await expect(jwtVerify(jwt, createLocalJWKSet(jwks))).resolves.toBeTruthy();
  });

  it("serves OIDC discovery pointing at its endpoints", async () => {
    const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    expect(await res.json()).toMatchObject({
      issuer: server.issuer,
      token_endpoint: `${server.issuer}/oauth/v2/token`,
      jwks_uri: `${server.issuer}/oauth/v2/keys`,
    });
  });

  it("leaves other paths to the host server", async () => {
    const res = await fetch(`${server.issuer}/zitadel.action.v2.ActionService/GetTarget`);
    expect(res.status).toBe(404);
  });
});

describe("issuer with a path, HTTP/1.1 host server of our own", () => {
  it("serves under the issuer's path", async () => {
    let endpoints: ReturnType<typeof createOAuthEndpoints> | undefined;
    const host = http.createServer(async (req, res) => {
      if (!(await endpoints!.handle(req, res))) res.writeHead(404).end();
    });
    const listening = await listenLoopback(host);
    const { port } = listening;
    endpoints = createOAuthEndpoints({ issuer: `http://127.0.0.1:${port}/auth/`, tokenTtlSec: 60 });
    try {
      expect(endpoints.issuer).toBe(`http://127.0.0.1:${port}/auth`);
      expect((await fetch(`http://127.0.0.1:${port}/auth/oauth/v2/keys`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/oauth/v2/keys`)).status).toBe(404);
    } finally {
      await listening.close();
    }
  });

  it("rejects a token lifetime that is not a whole number of seconds", () => {
    expect(() => createOAuthEndpoints({ issuer: "http://127.0.0.1:1", tokenTtlSec: 0.5 })).toThrow(
      /tokenTtlSec/,
    );
  });
});
