import type { Interceptor } from "@connectrpc/connect";
import type { RetryOptions } from "./retry.js";
import type { TokenProvider } from "./token-auth.js";

/**
 * Supplies a bearer token; called once per request, so it may cache and refresh.
 */
type TokenSource = string | (() => string | Promise<string>);

/**
 * Options shared by `createActionsTransport` of `zitadel-actions/node` and `zitadel-actions/web`.
 */
interface ActionsTransportOptions {
  /** ZITADEL's base URL, e.g. `https://my-instance.zitadel.cloud`. */
  baseUrl: string;
  /** A personal access token or a function returning one; sent as `authorization: Bearer …`. Set this or `auth`. */
  token?: TokenSource;
  /** A token provider (`createTokenAuth`, `createJwtProfileAuth`, `createClientCredentialsAuth`). Set this or `token`. */
  auth?: TokenProvider;
  /** Organization id sent as `x-zitadel-orgid` on v1 (ManagementService) calls; unset sends none. */
  orgId?: string;
  /** Extra interceptors; they run inside ours (after retry and auth), so they see the final headers. */
  interceptors?: Interceptor[];
  /** Deadline for every call without its own `timeoutMs`; unset means no deadline. */
  defaultTimeoutMs?: number;
  /**
   * Retries of idempotent calls on `Unavailable`/`ResourceExhausted` or a dropped connection
   * (default on: `{ maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 5000 }`); `false` turns
   * them off.
   */
  retry?: RetryOptions | false;
  /** Allow credentials over plain `http://` to a non-loopback host (default false: refused). */
  allowInsecure?: boolean;
  /**
   * Largest response message accepted, before and after decompression (default 4 MiB, gRPC's
   * default receive limit). A larger one ends the call with `ResourceExhausted` before it is
   * buffered or inflated.
   */
  readMaxBytes?: number;
  /**
   * Largest request message sent (default 4 MiB, what ZITADEL accepts by default). A larger one is
   * refused with `ResourceExhausted` before anything is sent.
   */
  writeMaxBytes?: number;
}

export type { ActionsTransportOptions, Interceptor, RetryOptions, TokenProvider, TokenSource };
