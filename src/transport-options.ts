import type { Interceptor } from "@connectrpc/connect";

/**
 * Supplies a bearer token; called once per request, so it may cache and refresh.
 */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Options shared by `createActionsTransport` of `zitadel-actions/node` and `zitadel-actions/web`.
 */
export interface ActionsTransportOptions {
  /** ZITADEL's base URL, e.g. `https://my-instance.zitadel.cloud`. */
  baseUrl: string;
  /** A personal access token or a function returning one; sent as `authorization: Bearer …`. */
  token?: TokenSource;
  /** Organization id sent as `x-zitadel-orgid` on v1 (ManagementService) calls; unset sends none. */
  orgId?: string;
  /** Extra interceptors; they run inside ours, so they see the final headers. */
  interceptors?: Interceptor[];
  /** Deadline for every call without its own `timeoutMs`; unset means no deadline. */
  defaultTimeoutMs?: number;
  /** Allow credentials over plain `http://` to a non-loopback host (default false: refused). */
  allowInsecure?: boolean;
}

export type { Interceptor };
