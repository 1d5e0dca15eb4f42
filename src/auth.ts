/**
 * Token providers that log in: ZITADEL's JWT profile (service-account key file) and OAuth client
 * credentials. The PAT provider and the interceptor live in `token-auth.ts`.
 *
 * @module
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { SignJWT } from "jose";
import { parseSecureUrl } from "./auth/secure-url.js";
import {
  importServiceAccountKey,
  parseServiceAccountKey,
  type ServiceAccountKeyFile,
} from "./auth/service-account-key.js";
import { createTokenCache, type TokenCache } from "./auth/token-cache.js";
import { requestToken, scopeList, tokenEndpointOf } from "./auth/token-request.js";
import { describeProvider, type TokenProvider } from "./token-auth.js";

/**
 * Options of `createJwtProfileAuth`.
 */
interface JwtProfileAuthOptions {
  /** The service user's key file, parsed or as JSON text (`{"type":"serviceaccount","keyId","key","userId"}`). */
  key: ServiceAccountKeyFile | string;
  /** The ZITADEL instance URL, e.g. `https://my-instance.zitadel.cloud`; tokens come from `<issuer>/oauth/v2/token`. */
  issuer: string;
  /** Scopes added to `openid` and `urn:zitadel:iam:org:project:id:zitadel:aud` (always sent). */
  scopes?: string[];
  /** Allow a plain `http://` issuer that is not loopback (default false: refused). */
  allowInsecure?: boolean;
  /** A custom `fetch` for the token request (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Options of `createClientCredentialsAuth`.
 */
interface ClientCredentialsAuthOptions {
  /** The service user's client id (its user name in ZITADEL). */
  clientId: string;
  /** The service user's client secret. */
  clientSecret: string;
  /** The ZITADEL instance URL; tokens come from `<issuer>/oauth/v2/token`. */
  issuer: string;
  /** Scopes added to `openid` and `urn:zitadel:iam:org:project:id:zitadel:aud` (always sent). */
  scopes?: string[];
  /** Allow a plain `http://` issuer that is not loopback (default false: refused). */
  allowInsecure?: boolean;
  /** A custom `fetch` for the token request (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
}

/** Assertion lifetime; ZITADEL accepts at most one hour. */
const assertionLifetimeSec = 3600;

/**
 * Create a provider that logs in with a ZITADEL service-account key file (JWT profile grant).
 *
 * It signs an RS256 assertion (`iss` = `sub` = the user id, `aud` = the issuer, one hour) with the
 * key, exchanges it at `<issuer>/oauth/v2/token` and caches the access token until shortly before
 * it expires. An application key file is refused with a clear error.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const auth = createJwtProfileAuth({ key: readFileSync("service-user.json", "utf8"), issuer: "https://my.zitadel.cloud" });
 * const transport = createActionsTransport({ baseUrl: "https://my.zitadel.cloud", auth });
 * ```
 */
function createJwtProfileAuth(options: JwtProfileAuthOptions): TokenProvider {
  assertOptionsObject(options, "createJwtProfileAuth");
  const { keyId, userId, pem } = parseServiceAccountKey(options.key, "key");
  const issuerUrl = parseSecureUrl("issuer", options.issuer, true, options.allowInsecure);
  const issuer = issuerUrl.href.replace(/\/+$/, "");
  const endpoint = tokenEndpointOf(issuerUrl);
  const scope = scopeList(options.scopes, "scopes");
  const fetchFn = resolveFetch(options.fetch);
  let privateKey: Promise<CryptoKey> | undefined;

  const cache = createTokenCache(async () => {
    privateKey ??= importServiceAccountKey(pem, "key");
    const key = await privateKey.catch((e: unknown) => {
      privateKey = undefined;
      throw e;
    });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: keyId, typ: "JWT" })
      .setIssuer(userId)
      .setSubject(userId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + assertionLifetimeSec)
      .sign(key);
    return requestToken({
      endpoint,
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
        scope,
      }),
      secrets: [assertion, pem],
      fetch: fetchFn,
    });
  });
  return describeProvider(cachedProvider(cache), "JwtProfileAuth", { issuer, userId, keyId });
}

/**
 * Create a provider that logs in with a service user's client id and secret (client credentials
 * grant, HTTP Basic authentication) and caches the access token until shortly before it expires.
 *
 * @example
 * ```ts
 * const auth = createClientCredentialsAuth({ clientId, clientSecret, issuer: "https://my.zitadel.cloud" });
 * ```
 */
function createClientCredentialsAuth(options: ClientCredentialsAuthOptions): TokenProvider {
  assertOptionsObject(options, "createClientCredentialsAuth");
  const { clientId, clientSecret } = options;
  if (typeof clientId !== "string" || clientId === "") {
    throw new ConnectError("clientId: must be a non-empty string", Code.InvalidArgument);
  }
  if (typeof clientSecret !== "string" || clientSecret === "") {
    throw new ConnectError("clientSecret: must be a non-empty string", Code.InvalidArgument);
  }
  const issuerUrl = parseSecureUrl("issuer", options.issuer, true, options.allowInsecure);
  const issuer = issuerUrl.href.replace(/\/+$/, "");
  const endpoint = tokenEndpointOf(issuerUrl);
  const scope = scopeList(options.scopes, "scopes");
  const fetchFn = resolveFetch(options.fetch);
  // client_secret_basic: both parts form-encoded, then joined by ":" and base64-encoded.
  const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
  const cache = createTokenCache(() =>
    requestToken({
      endpoint,
      body: new URLSearchParams({ grant_type: "client_credentials", scope }),
      headers: { authorization: `Basic ${basic}` },
      secrets: [clientSecret, basic],
      fetch: fetchFn,
    }),
  );
  return describeProvider(cachedProvider(cache), "ClientCredentialsAuth", { issuer, clientId });
}

function cachedProvider(cache: TokenCache): TokenProvider {
  return {
    getToken: (options) => cache.get(options?.signal),
    invalidate: (token) => cache.invalidate(token),
  };
}

function assertOptionsObject(options: unknown, fn: string): void {
  if (typeof options !== "object" || options === null) {
    throw new ConnectError(`${fn}: options must be an object`, Code.InvalidArgument);
  }
}

function resolveFetch(custom: typeof globalThis.fetch | undefined): typeof globalThis.fetch {
  if (custom !== undefined) {
    if (typeof custom !== "function") {
      throw new ConnectError("fetch: must be a function", Code.InvalidArgument);
    }
    return custom;
  }
  // Looked up per call, so a fetch installed later (or patched by tooling) is honoured.
  return (input, init) => globalThis.fetch(input, init);
}

export type { ClientCredentialsAuthOptions, JwtProfileAuthOptions, ServiceAccountKeyFile };
export { createClientCredentialsAuth, createJwtProfileAuth };
