import { Code, ConnectError } from "@connectrpc/connect";
import type { IssuedToken } from "./token-cache.js";

/** Name the scope that puts ZITADEL's own API into the token's audience; without it API calls are refused. */
const zitadelApiScope = "urn:zitadel:iam:org:project:id:zitadel:aud";

/** Lifetime assumed when a token response carries no `expires_in`. */
const assumedLifetimeMs = 5 * 60_000;

/** Give up on a token request after this long; a call's own deadline usually ends the wait sooner. */
const tokenRequestTimeoutMs = 30_000;

/** What one token request needs. `secrets` are redacted from anything the server echoes. */
interface TokenRequest {
  endpoint: string;
  body: URLSearchParams;
  headers?: Record<string, string>;
  secrets: readonly string[];
  fetch: typeof globalThis.fetch;
}

/** Return the token endpoint of a ZITADEL issuer. */
function tokenEndpointOf(issuer: URL): string {
  return `${issuer.origin}${issuer.pathname.replace(/\/+$/, "")}/oauth/v2/token`;
}

/** Return `openid` and ZITADEL's API audience scope followed by `extra`, without duplicates. */
function scopeList(extra: readonly string[] | undefined, field: string): string {
  if (extra !== undefined) {
    if (
      !Array.isArray(extra) ||
      extra.some((s) => typeof s !== "string" || !/^[\x21-\x7e]+$/.test(s))
    ) {
      throw new ConnectError(
        `${field}: must be an array of scope strings without spaces`,
        Code.InvalidArgument,
      );
    }
  }
  return [...new Set(["openid", zitadelApiScope, ...(extra ?? [])])].join(" ");
}

/**
 * Send a form to an OAuth token endpoint and return the issued token.
 *
 * OAuth errors become `Unauthenticated` (5xx and network failures `Unavailable`) with the OAuth
 * `error` code in the message; the request's secrets never appear in it.
 */
async function requestToken(request: TokenRequest): Promise<IssuedToken> {
  const issuedAt = Date.now();
  // A server may echo the form back, so redact the secrets in their encoded forms as well.
  const secrets = request.secrets
    .flatMap((s) => [s, encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2)])
    .sort((a, b) => b.length - a.length);
  let response: Response;
  try {
    response = await request.fetch(request.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        ...request.headers,
      },
      body: request.body.toString(),
      signal: AbortSignal.timeout(tokenRequestTimeoutMs),
    });
  } catch (e) {
    const reason = e instanceof Error && e.name === "TimeoutError" ? "timed out" : "failed";
    throw new ConnectError(
      `token endpoint: request to ${request.endpoint} ${reason}`,
      Code.Unavailable,
      undefined,
      undefined,
      scrubCause(e, secrets),
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (!response.ok) {
    const code = response.status >= 500 ? Code.Unavailable : Code.Unauthenticated;
    const error = typeof fields.error === "string" ? clean(fields.error, secrets) : "";
    const description =
      typeof fields.error_description === "string" ? clean(fields.error_description, secrets) : "";
    const what = error === "" ? `HTTP ${response.status}` : `${error} (HTTP ${response.status})`;
    throw new ConnectError(
      `token endpoint: ${what}${description === "" ? "" : `: ${description}`}`,
      code,
    );
  }
  const accessToken = fields.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new ConnectError(
      "token endpoint: the response has no access_token",
      Code.Unauthenticated,
    );
  }
  const tokenType = fields.token_type;
  if (typeof tokenType === "string" && tokenType.toLowerCase() !== "bearer") {
    throw new ConnectError(
      `token endpoint: token_type must be "Bearer", got "${clean(tokenType, secrets)}"`,
      Code.Unauthenticated,
    );
  }
  const expiresIn = fields.expires_in;
  const lifetimeMs =
    typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0
      ? expiresIn * 1000
      : typeof expiresIn === "string" && /^\d+$/.test(expiresIn)
        ? Number(expiresIn) * 1000
        : assumedLifetimeMs;
  return { accessToken, issuedAt, expiresAt: issuedAt + lifetimeMs };
}

/** Keep server text printable and short, and blank out any of our secrets it might echo. */
function clean(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== "") out = out.split(secret).join("[redacted]");
  }
  out = out.replace(/[^\x20-\x7e]/g, " ");
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

/** Keep a network error as cause only when it carries none of our secrets. */
function scrubCause(cause: unknown, secrets: readonly string[]): unknown {
  const text = describe(cause);
  return secrets.some((s) => s !== "" && text.includes(s)) ? undefined : cause;
}

function describe(value: unknown, depth = 0): string {
  if (depth > 3 || value === null || value === undefined) return "";
  if (value instanceof Error) {
    return `${value.name} ${value.message} ${describe((value as { cause?: unknown }).cause, depth + 1)}`;
  }
  return String(value);
}

export type { TokenRequest };
export { requestToken, scopeList, tokenEndpointOf, zitadelApiScope };
