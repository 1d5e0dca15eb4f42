/**
 * Browser entry: transports over gRPC-web (default) and Connect, using `fetch`.
 *
 * @module
 */
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { createBaseInterceptors } from "./internal/base-interceptors.js";
import type { ActionsTransportOptions } from "./transport-options.js";

/**
 * Options of `createActionsTransport` for browsers and other fetch runtimes.
 */
interface WebActionsTransportOptions extends ActionsTransportOptions {
  /** Wire protocol (default `"grpc-web"`, binary `application/grpc-web+proto`). */
  protocol?: "grpc-web" | "connect";
  /** A custom `fetch` (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Create a Connect transport to ZITADEL for browsers, with auth and org headers applied.
 *
 * @example
 * ```ts
 * import { createActionsClient, createActionsTransport } from "zitadel-actions/web";
 * const client = createActionsClient(createActionsTransport({ baseUrl: location.origin, token }));
 * ```
 */
function createActionsTransport(options: WebActionsTransportOptions): Transport {
  const common = {
    baseUrl: options.baseUrl,
    interceptors: createBaseInterceptors(options),
    defaultTimeoutMs: options.defaultTimeoutMs,
    fetch: options.fetch,
  };
  switch (options.protocol ?? "grpc-web") {
    case "grpc-web":
      return createGrpcWebTransport(common);
    case "connect":
      return createConnectTransport(common);
    default:
      throw new ConnectError(
        `protocol: must be "grpc-web" or "connect", got ${String(options.protocol)}`,
        Code.InvalidArgument,
      );
  }
}

export type { ActionsClient, RawClients } from "./client.js";
export { createActionsClient } from "./client.js";
export type { RetryOptions } from "./retry.js";
export { createRetryInterceptor } from "./retry.js";
export type { TokenProvider } from "./token-auth.js";
export { createAuthInterceptor, createTokenAuth } from "./token-auth.js";
export type { ActionsTransportOptions, TokenSource } from "./transport-options.js";
export type { ActionsV1Client } from "./v1-client.js";
export { createActionsV1Client } from "./v1-client.js";

export type { WebActionsTransportOptions };
export { createActionsTransport };
