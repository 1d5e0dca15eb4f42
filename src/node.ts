/**
 * Node entry: transports over gRPC (HTTP/2), gRPC-web and Connect.
 *
 * @module
 */
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { createBaseInterceptors } from "./internal/base-interceptors.js";
import { createGrpcUnaryTransport } from "./internal/grpc-transport.js";
import type { ActionsTransportOptions } from "./transport-options.js";

/**
 * Options of `createActionsTransport` for Node.
 */
interface NodeActionsTransportOptions extends ActionsTransportOptions {
  /** Wire protocol (default `"grpc"`, HTTP/2). `"grpc-web"` and `"connect"` also work over HTTP/1.1 proxies. */
  protocol?: "grpc" | "grpc-web" | "connect";
  /** HTTP version for `grpc-web` and `connect` (default `"1.1"`); `grpc` always uses HTTP/2. */
  httpVersion?: "1.1" | "2";
}

/**
 * Create a Connect transport to ZITADEL for Node, with auth and org headers applied.
 *
 * @example
 * ```ts
 * import { createActionsClient, createActionsTransport } from "zitadel-actions/node";
 * const transport = createActionsTransport({ baseUrl: "https://my.zitadel.cloud", token: process.env.ZITADEL_PAT });
 * const client = createActionsClient(transport);
 * ```
 */
function createActionsTransport(options: NodeActionsTransportOptions): Transport {
  const interceptors = createBaseInterceptors(options);
  const common = {
    baseUrl: options.baseUrl,
    interceptors,
    defaultTimeoutMs: options.defaultTimeoutMs,
  };
  switch (options.protocol ?? "grpc") {
    case "grpc":
      // Unary calls (all of the actions RPCs) take our lean gRPC path; see internal/grpc-transport.ts.
      return createGrpcUnaryTransport({ ...common, streaming: createGrpcTransport(common) });
    case "grpc-web":
      return createGrpcWebTransport({ ...common, httpVersion: options.httpVersion ?? "1.1" });
    case "connect":
      return createConnectTransport({ ...common, httpVersion: options.httpVersion ?? "1.1" });
    default:
      throw new ConnectError(
        `protocol: must be "grpc", "grpc-web" or "connect", got ${String(options.protocol)}`,
        Code.InvalidArgument,
      );
  }
}

export type {
  ClientCredentialsAuthOptions,
  JwtProfileAuthOptions,
  ServiceAccountKeyFile,
} from "./auth.js";
export { createClientCredentialsAuth, createJwtProfileAuth } from "./auth.js";
export type { ActionsClient, RawClients } from "./client.js";
export { createActionsClient } from "./client.js";
export type { RetryOptions } from "./retry.js";
export { createRetryInterceptor } from "./retry.js";
export type { TokenProvider } from "./token-auth.js";
export { createAuthInterceptor, createTokenAuth } from "./token-auth.js";
export type { ActionsTransportOptions, TokenSource } from "./transport-options.js";
export type { ActionsV1Client } from "./v1-client.js";
export { createActionsV1Client } from "./v1-client.js";
export type { NodeActionsTransportOptions };
export { createActionsTransport };
