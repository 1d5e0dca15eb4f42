/**
 * The emulator's OAuth endpoints: a token endpoint for ZITADEL's JWT profile and client-credentials
 * grants, and the instance JWKS. A development and test tool, not an authorization server.
 *
 * @module
 */
import {
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWK,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";

/** Scope that puts ZITADEL's API into a token's audience; the emulator's API accepts only such tokens. */
const zitadelApiScope = "urn:zitadel:iam:org:project:id:zitadel:aud";
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const maxBodyBytes = 64 * 1024;
/** Leeway for clocks of clients signing assertions. */
const clockToleranceSec = 5;

/**
 * Options of `createOAuthEndpoints`.
 */
interface OAuthEndpointsOptions {
  /** The issuer, i.e. the emulator's base URL (e.g. `http://127.0.0.1:8080`); assertions' `aud` must contain it. */
  issuer: string;
  /** Lifetime of issued access tokens in whole seconds (default 3600). */
  tokenTtlSec?: number;
}

/**
 * A service user's public key, registered so the token endpoint can check its assertions.
 */
interface ServiceAccountKeyRegistration {
  /** The service user's id (`iss` and `sub` of its assertions). */
  userId: string;
  /** The key id (`kid` of its assertions' header). */
  keyId: string;
  /** The public key as PEM (SPKI or PKCS#1; a private key PEM works too), a KeyObject, a CryptoKey or a JWK. */
  publicKey: string | KeyObject | CryptoKey | JWK;
}

/**
 * What the emulator knows about an access token it issued.
 */
interface IssuedTokenInfo {
  /** The user id (JWT profile) or client id (client credentials) the token was issued to. */
  subject: string;
  /** The granted scopes. */
  scopes: string[];
  /** Epoch ms of expiry. */
  expiresAt: number;
}

/**
 * The token and JWKS endpoints, to mount into an HTTP or HTTP/2 server.
 */
interface OAuthEndpoints {
  /** The issuer URL without a trailing slash. */
  readonly issuer: string;
  /** Answer `POST /oauth/v2/token`, `GET /oauth/v2/keys` and OIDC discovery; resolve `false` for any other path. */
  handle(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ): Promise<boolean>;
  /** Return whether `token` was issued here, has not expired or been revoked, and carries the API audience scope. */
  isValidToken(token: string): boolean;
  /** Return what the emulator knows about an unexpired token it issued, or `undefined`. */
  tokenInfo(token: string): IssuedTokenInfo | undefined;
  /** Revoke one issued token, so `isValidToken` turns false for it. */
  revokeToken(token: string): void;
  /** Register a service user's public key for the JWT profile grant. */
  addServiceAccountKey(key: ServiceAccountKeyRegistration): void;
  /** Register a client id and secret for the client-credentials grant. */
  addClient(client: { clientId: string; clientSecret: string }): void;
  /** Return how many requests reached the token endpoint (answered or refused). */
  tokenRequests(): number;
  /** Return the JWKS with the public half of the emulator's signing key. */
  jwks(): JSONWebKeySet;
  /** Sign a JWT payload, as is, with the emulator's RS256 key (header `typ: JWT` and its `kid`). */
  signJwt(payload: object): Promise<string>;
}

class OAuthError {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {}
}

/**
 * Create the emulator's OAuth endpoints; their RS256 signing key is generated on first use.
 *
 * @example
 * ```ts
 * const oauth = createOAuthEndpoints({ issuer: "http://127.0.0.1:8080" });
 * http.createServer(async (req, res) => { if (!(await oauth.handle(req, res))) { res.statusCode = 404; res.end(); } });
 * ```
 */
function createOAuthEndpoints(options: OAuthEndpointsOptions): OAuthEndpoints {
  const issuerUrl = new URL(options.issuer);
  const issuer = issuerUrl.href.replace(/\/+$/, "");
  const basePath = issuerUrl.pathname.replace(/\/+$/, "");
  const tokenTtlSec = options.tokenTtlSec ?? 3600;
  if (!Number.isInteger(tokenTtlSec) || tokenTtlSec < 1) {
    throw new ConnectError(
      "tokenTtlSec: must be a whole number of seconds, at least 1",
      Code.InvalidArgument,
    );
  }
  const paths = {
    token: `${basePath}/oauth/v2/token`,
    keys: `${basePath}/oauth/v2/keys`,
    discovery: `${basePath}/.well-known/openid-configuration`,
  };

  // Generated on first use: most emulator runs never sign anything, and RSA generation is slow.
  let signing: { privateKey: KeyObject; kid: string; publicJwk: JWK } | undefined;
  function signingKey() {
    if (signing === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const kid = randomBytes(9).toString("base64url");
      const publicJwk: JWK = {
        ...publicKey.export({ format: "jwk" }),
        kid,
        alg: "RS256",
        use: "sig",
      };
      signing = { privateKey, kid, publicJwk };
    }
    return signing;
  }

  const serviceKeys = new Map<string, { userId: string; key: KeyObject | CryptoKey }>();
  const clients = new Map<string, Buffer>();
  const tokens = new Map<string, IssuedTokenInfo>();
  let tokenRequestCount = 0;

  function issue(subject: string, scopes: string[]): Record<string, unknown> {
    const now = Date.now();
    for (const [t, info] of tokens) {
      if (info.expiresAt <= now) tokens.delete(t);
    }
    const accessToken = randomBytes(32).toString("base64url");
    tokens.set(accessToken, { subject, scopes, expiresAt: now + tokenTtlSec * 1000 });
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: tokenTtlSec,
      scope: scopes.join(" "),
    };
  }

  async function jwtBearer(form: URLSearchParams): Promise<Record<string, unknown>> {
    const assertion = form.get("assertion");
    if (assertion === null || assertion === "") {
      throw new OAuthError(400, "invalid_request", "assertion is missing");
    }
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      throw new OAuthError(400, "invalid_grant", "assertion is not a JWT");
    }
    const registered = kid === undefined ? undefined : serviceKeys.get(kid);
    if (registered === undefined) {
      throw new OAuthError(400, "invalid_grant", "assertion key (kid) is not registered");
    }
    let payload: { iss?: string; sub?: string };
    try {
      ({ payload } = await jwtVerify(assertion, registered.key, {
        algorithms: ["RS256"],
        audience: [issuer, `${issuer}/`],
        clockTolerance: clockToleranceSec,
        requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
      }));
    } catch (e) {
      throw new OAuthError(400, "invalid_grant", `assertion rejected: ${assertionProblem(e)}`);
    }
    if (payload.iss !== registered.userId || payload.sub !== registered.userId) {
      throw new OAuthError(400, "invalid_grant", "assertion iss and sub must be the key's user id");
    }
    return issue(registered.userId, scopesOf(form));
  }

  function clientCredentials(
    form: URLSearchParams,
    authorization: string | undefined,
  ): Record<string, unknown> {
    let clientId: string | null = form.get("client_id");
    let clientSecret: string | null = form.get("client_secret");
    const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
      try {
        clientId = formDecode(decoded.slice(0, colon));
        clientSecret = formDecode(decoded.slice(colon + 1));
      } catch {
        throw new OAuthError(401, "invalid_client", "malformed Basic credentials");
      }
    }
    if (clientId === null || clientSecret === null) {
      throw new OAuthError(401, "invalid_client", "client authentication is missing");
    }
    const expected = clients.get(clientId);
    const given = Buffer.from(clientSecret, "utf8");
    if (
      expected === undefined ||
      expected.length !== given.length ||
      !timingSafeEqual(expected, given)
    ) {
      throw new OAuthError(401, "invalid_client", "client authentication failed");
    }
    return issue(clientId, scopesOf(form));
  }

  async function tokenEndpoint(
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ): Promise<void> {
    tokenRequestCount++;
    try {
      if (req.method !== "POST") {
        send(
          res,
          405,
          { error: "invalid_request", error_description: "use POST" },
          { allow: "POST" },
        );
        return;
      }
      const contentType = String(req.headers["content-type"] ?? "");
      if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        throw new OAuthError(
          400,
          "invalid_request",
          "body must be application/x-www-form-urlencoded",
        );
      }
      const form = new URLSearchParams(await readBody(req));
      const grant = form.get("grant_type");
      const authorization = req.headers.authorization;
      const body =
        grant === jwtBearerGrant
          ? await jwtBearer(form)
          : grant === "client_credentials"
            ? clientCredentials(form, authorization)
            : undefined;
      if (body === undefined) {
        throw new OAuthError(400, "unsupported_grant_type", "grant_type is not supported here");
      }
      send(res, 200, body);
    } catch (e) {
      if (e instanceof OAuthError) {
        const extra: Record<string, string> =
          e.status === 401 ? { "www-authenticate": 'Basic realm="emulator"' } : {};
        send(res, e.status, { error: e.error, error_description: e.description }, extra);
        return;
      }
      send(res, 500, { error: "server_error", error_description: "unexpected failure" });
    }
  }

  return {
    issuer,
    async handle(req, res) {
      const path = new URL(req.url ?? "/", "http://emulator").pathname;
      if (path === paths.token) {
        await tokenEndpoint(req, res);
        return true;
      }
      if (path === paths.keys) {
        send(res, 200, { keys: [signingKey().publicJwk] }, {}, "public, max-age=300");
        return true;
      }
      if (path === paths.discovery) {
        send(
          res,
          200,
          {
            issuer,
            token_endpoint: `${issuer}/oauth/v2/token`,
            jwks_uri: `${issuer}/oauth/v2/keys`,
            grant_types_supported: [jwtBearerGrant, "client_credentials"],
            token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
            id_token_signing_alg_values_supported: ["RS256"],
          },
          {},
          "public, max-age=300",
        );
        return true;
      }
      return false;
    },
    isValidToken(token) {
      const info = tokens.get(token);
      return (
        info !== undefined && Date.now() < info.expiresAt && info.scopes.includes(zitadelApiScope)
      );
    },
    tokenInfo(token) {
      const info = tokens.get(token);
      if (info === undefined || Date.now() >= info.expiresAt) return undefined;
      return { ...info, scopes: [...info.scopes] };
    },
    revokeToken(token) {
      tokens.delete(token);
    },
    addServiceAccountKey({ userId, keyId, publicKey: input }) {
      if (
        typeof userId !== "string" ||
        userId === "" ||
        typeof keyId !== "string" ||
        keyId === ""
      ) {
        throw new ConnectError("userId, keyId: must be non-empty strings", Code.InvalidArgument);
      }
      serviceKeys.set(keyId, { userId, key: toPublicKey(input) });
    },
    addClient({ clientId, clientSecret }) {
      if (
        typeof clientId !== "string" ||
        clientId === "" ||
        typeof clientSecret !== "string" ||
        clientSecret === ""
      ) {
        throw new ConnectError(
          "clientId, clientSecret: must be non-empty strings",
          Code.InvalidArgument,
        );
      }
      clients.set(clientId, Buffer.from(clientSecret, "utf8"));
    },
    tokenRequests: () => tokenRequestCount,
    jwks: () => ({ keys: [{ ...signingKey().publicJwk }] }),
    signJwt: (payload) => {
      const { privateKey, kid } = signingKey();
      return new SignJWT({ ...payload })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .sign(privateKey);
    },
  };
}

function toPublicKey(input: ServiceAccountKeyRegistration["publicKey"]): KeyObject | CryptoKey {
  try {
    if (typeof input === "string") return createPublicKey(input);
    if (input instanceof CryptoKey) return input;
    if (isKeyObject(input)) return input.type === "private" ? createPublicKey(input) : input;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = input as JWK;
    return createPublicKey({ key: publicJwk as JsonWebKey, format: "jwk" });
  } catch {
    throw new ConnectError(
      "publicKey: must be an RSA key as PEM, KeyObject, CryptoKey or JWK",
      Code.InvalidArgument,
    );
  }
}

function isKeyObject(value: unknown): value is KeyObject {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as KeyObject).export === "function" &&
    typeof (value as KeyObject).type === "string"
  );
}

function scopesOf(form: URLSearchParams): string[] {
  return (form.get("scope") ?? "").split(/\s+/).filter((s) => s !== "");
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, " "));
}

function assertionProblem(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return "expired";
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `claim "${e.claim}" ${e.reason}`;
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "algorithm must be RS256";
  return "malformed";
}

async function readBody(req: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBodyBytes) throw new OAuthError(413, "invalid_request", "body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface MinimalResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

function send(
  res: ServerResponse | Http2ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  cacheControl = "no-store",
): void {
  const text = JSON.stringify(body);
  (res as unknown as MinimalResponse).writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": cacheControl,
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  (res as unknown as MinimalResponse).end(text);
}

export type {
  IssuedTokenInfo,
  OAuthEndpoints,
  OAuthEndpointsOptions,
  ServiceAccountKeyRegistration,
};
export { createOAuthEndpoints };
