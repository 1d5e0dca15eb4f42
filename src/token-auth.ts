/**
 * Bearer tokens for any runtime: the `TokenProvider` contract, a provider for personal access tokens
 * and the interceptor that applies a provider to every call. Browser-safe (no Node or jose imports).
 *
 * @module
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { untilAborted } from "./auth/token-cache.js";
import type { TokenSource } from "./transport-options.js";

/**
 * Supplies bearer tokens to a transport; providers cache and refresh their token themselves.
 *
 * Provider objects hold their secrets in closures: `JSON.stringify`, `toString()` and `console.log`
 * show only the kind of provider and public identifiers.
 */
interface TokenProvider {
  /** Return a valid access token, fetching a new one when the cached one is about to expire. */
  getToken(options?: { signal?: AbortSignal }): Promise<string>;
  /** Drop the cached token (only if it equals `token`, when given) so the next call fetches anew. */
  invalidate(token?: string): void;
}

/**
 * Create a provider for a personal access token (or a function returning one).
 *
 * @example
 * ```ts
 * const transport = createActionsTransport({ baseUrl, auth: createTokenAuth(process.env.ZITADEL_PAT!) });
 * ```
 */
function createTokenAuth(token: TokenSource): TokenProvider {
  if (typeof token === "string") {
    assertTokenShape(token, "token", Code.InvalidArgument);
    return describeProvider(
      {
        getToken: () => Promise.resolve(token),
        invalidate: () => {},
      },
      "TokenAuth",
      {},
    );
  }
  if (typeof token !== "function") {
    throw new ConnectError(
      "token: must be a non-empty string or a function returning one",
      Code.InvalidArgument,
    );
  }
  return describeProvider(
    {
      getToken: async (options) => {
        const value = await untilAborted(Promise.resolve().then(token), options?.signal);
        assertTokenShape(value, "token", Code.Unauthenticated);
        return value;
      },
      invalidate: () => {},
    },
    "TokenAuth",
    {},
  );
}

/**
 * Create an interceptor that sends `authorization: Bearer <token>` from a provider.
 *
 * A request that already carries an `authorization` header is left alone. When the server answers
 * `Unauthenticated`, the provider drops that token so the next call fetches a fresh one.
 *
 * @example
 * ```ts
 * const transport = createGrpcTransport({ baseUrl, interceptors: [createAuthInterceptor(createTokenAuth(pat))] });
 * ```
 */
function createAuthInterceptor(provider: TokenProvider): Interceptor {
  assertProvider(provider, "auth");
  return (next) => async (req) => {
    if (req.header.has("authorization")) {
      return next(req);
    }
    const token = await provider.getToken({ signal: req.signal });
    assertTokenShape(token, "auth", Code.Unauthenticated);
    req.header.set("authorization", `Bearer ${token}`);
    try {
      return await next(req);
    } catch (e) {
      if (ConnectError.from(e).code === Code.Unauthenticated) {
        provider.invalidate(token);
      }
      throw e;
    }
  };
}

/**
 * Give a provider a safe printed form: its kind and public identifiers, no secrets.
 *
 * @private Internal code, shared with the other providers.
 */
function describeProvider(
  provider: TokenProvider,
  kind: string,
  publicFields: Record<string, string>,
): TokenProvider {
  const summary = Object.entries(publicFields)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const text = summary === "" ? `[${kind}]` : `[${kind} ${summary}]`;
  const described = {
    ...provider,
    toString: () => text,
    toJSON: () => ({ kind, ...publicFields }),
  };
  Object.defineProperty(described, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => text,
  });
  for (const name of ["toString", "toJSON"]) {
    Object.defineProperty(described, name, { enumerable: false });
  }
  return Object.freeze(described);
}

/**
 * Throw unless `token` is a non-empty string of visible ASCII (safe for an HTTP header).
 */
function assertTokenShape(token: unknown, field: string, code: Code): asserts token is string {
  if (typeof token !== "string" || token === "") {
    const message =
      code === Code.InvalidArgument
        ? `${field}: must be a non-empty string`
        : field === "token"
          ? "token: the token source returned no token"
          : `${field}: the provider returned no token`;
    throw new ConnectError(message, code);
  }
  // Visible ASCII only: anything else would break the header, and the runtime's error would quote it.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConnectError(
      `${field}: the token contains characters not allowed in an HTTP header`,
      code,
    );
  }
}

function assertProvider(provider: unknown, field: string): asserts provider is TokenProvider {
  const p = provider as Partial<TokenProvider> | null;
  if (
    typeof p !== "object" ||
    p === null ||
    typeof p.getToken !== "function" ||
    typeof p.invalidate !== "function"
  ) {
    throw new ConnectError(
      `${field}: must be a token provider (createTokenAuth, createJwtProfileAuth or createClientCredentialsAuth)`,
      Code.InvalidArgument,
    );
  }
}

export type { TokenProvider };
export { createAuthInterceptor, createTokenAuth, describeProvider };
