import { Code, ConnectError } from "@connectrpc/connect";

/** An access token as issued by a token endpoint. */
interface IssuedToken {
  accessToken: string;
  /** Epoch ms when the request for this token started (the conservative issue time). */
  issuedAt: number;
  /** Epoch ms when the token stops being valid. */
  expiresAt: number;
}

/** A cache of one access token that refreshes it with at most one request in flight. */
interface TokenCache {
  get(signal?: AbortSignal): Promise<string>;
  invalidate(token?: string): void;
}

/** Refresh this long before expiry: a tenth of the lifetime, at most a minute. */
const maxRefreshMarginMs = 60_000;

/**
 * Create a token cache around `fetchToken`.
 *
 * A token is reused until a tenth of its lifetime (at most one minute) is left; then the next
 * caller starts one refresh and every concurrent caller waits for that same request. When a
 * refresh fails while the old token is still valid, callers keep the old token and the next call
 * tries again. A caller's `signal` ends its own wait, never the shared request.
 */
function createTokenCache(
  fetchToken: () => Promise<IssuedToken>,
  now: () => number = Date.now,
): TokenCache {
  let current: (IssuedToken & { refreshAt: number }) | undefined;
  let pending: Promise<string> | undefined;

  function refresh(): Promise<string> {
    const previous = current;
    const request = fetchToken().then(
      (issued) => {
        const lifetime = Math.max(0, issued.expiresAt - issued.issuedAt);
        const margin = Math.min(maxRefreshMarginMs, lifetime / 10);
        current = { ...issued, refreshAt: issued.expiresAt - margin };
        return issued.accessToken;
      },
      (error: unknown) => {
        if (previous !== undefined && current === previous && now() < previous.expiresAt) {
          return previous.accessToken;
        }
        throw error;
      },
    );
    const shared = request.finally(() => {
      if (pending === shared) pending = undefined;
    });
    pending = shared;
    return shared;
  }

  return {
    get(signal) {
      if (signal?.aborted) {
        return Promise.reject(ConnectError.from(signal.reason, Code.Canceled));
      }
      if (current !== undefined && now() < current.refreshAt) {
        return Promise.resolve(current.accessToken);
      }
      return untilAborted(pending ?? refresh(), signal);
    },
    invalidate(token) {
      if (current !== undefined && (token === undefined || current.accessToken === token)) {
        current = undefined;
      }
    },
  };
}

/** Wait for `promise`, or reject as soon as `signal` aborts (the promise keeps running). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ConnectError.from(signal.reason, Code.Canceled));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export type { IssuedToken, TokenCache };
export { createTokenCache, untilAborted };
