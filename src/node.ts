/**
 * Node entry: transports over gRPC (HTTP/2), gRPC-web and Connect.
 *
 * @module
 */
import type { ClientSessionOptions, SecureClientSessionOptions } from "node:http2";
import type { AgentOptions, RequestOptions } from "node:https";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { createBaseInterceptors } from "./internal/base-interceptors.js";
import { createGrpcUnaryTransport } from "./internal/grpc-transport.js";
import { createNetworkErrorInterceptor } from "./internal/network-errors.js";
import { http1TunnelAgent, http2TunnelConnection, resolveProxy } from "./internal/proxy.js";
import { withSharedSignals } from "./internal/shared-signal.js";
import { assertKnownOptions, messageLimits } from "./internal/transport-checks.js";
import type { ActionsTransportOptions } from "./transport-options.js";

/**
 * Options of `createActionsTransport` for Node.
 */
interface NodeActionsTransportOptions extends ActionsTransportOptions {
  /** Wire protocol (default `"grpc"`, HTTP/2). `"grpc-web"` and `"connect"` also work over HTTP/1.1 proxies. */
  protocol?: "grpc" | "grpc-web" | "connect";
  /** HTTP version for `grpc-web` and `connect` (default `"1.1"`); `grpc` always uses HTTP/2 (`"1.1"` is refused). */
  httpVersion?: "1.1" | "2";
  /**
   * Options for Node's `http2.connect` (HTTP/2) or `https.request` (HTTP/1.1), as connect-node
   * names them: `ca` for a private CA, `cert` and `key` for mutual TLS, `servername`,
   * `rejectUnauthorized`, … No environment variables needed.
   */
  nodeOptions?: SecureClientSessionOptions | ClientSessionOptions | Omit<RequestOptions, "signal">;
  /**
   * An HTTP(S) proxy URL to tunnel through with `CONNECT` (`http://user:pass@proxy:3128`), or
   * `false` for none. Unset: `https_proxy`/`HTTPS_PROXY` (`http_proxy`/`HTTP_PROXY` for an
   * `http://` base URL), except hosts in `NO_PROXY` and loopback.
   */
  proxy?: string | false;
}

const nodeOptionNames = ["protocol", "httpVersion", "nodeOptions", "proxy"] as const;

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
  const interceptors = [createNetworkErrorInterceptor(), ...createBaseInterceptors(options)];
  assertKnownOptions(options, nodeOptionNames, "createActionsTransport (zitadel-actions/node)");
  const limits = messageLimits(options);
  const protocol = options.protocol ?? "grpc";
  if (protocol !== "grpc" && protocol !== "grpc-web" && protocol !== "connect") {
    throw new ConnectError(
      `protocol: must be "grpc", "grpc-web" or "connect", got ${String(protocol).slice(0, 40)}`,
      Code.InvalidArgument,
    );
  }
  const httpVersion = options.httpVersion ?? (protocol === "grpc" ? "2" : "1.1");
  if (httpVersion !== "1.1" && httpVersion !== "2") {
    throw new ConnectError(`httpVersion: must be "1.1" or "2"`, Code.InvalidArgument);
  }
  if (protocol === "grpc" && httpVersion !== "2") {
    throw new ConnectError(
      'httpVersion: "1.1" is not supported by protocol "grpc", which always uses HTTP/2; use protocol "grpc-web" over HTTP/1.1',
      Code.InvalidArgument,
    );
  }
  const nodeOptions = options.nodeOptions ?? {};
  if (typeof nodeOptions !== "object" || nodeOptions === null) {
    throw new ConnectError("nodeOptions: must be an object", Code.InvalidArgument);
  }
  const target = new URL(options.baseUrl);
  const proxy = resolveProxy(target, options.proxy);
  const common = {
    baseUrl: options.baseUrl,
    interceptors,
    defaultTimeoutMs: options.defaultTimeoutMs,
    ...limits,
  };
  if (httpVersion === "2") {
    const sessionOptions = {
      ...nodeOptions,
      ...(proxy === undefined
        ? {}
        : {
            createConnection: http2TunnelConnection(
              proxy,
              target,
              nodeOptions as SecureClientSessionOptions,
            ),
          }),
    } as SecureClientSessionOptions;
    const sessionManager = new Http2SessionManager(options.baseUrl, undefined, sessionOptions);
    const http2 = { ...common, httpVersion: "2" as const, sessionManager };
    switch (protocol) {
      case "grpc":
        // Unary calls (all of the actions RPCs) take our lean gRPC path; see internal/grpc-transport.ts.
        return withSharedSignals(
          createGrpcUnaryTransport({
            ...common,
            session: sessionManager,
            streaming: createGrpcTransport(http2),
          }),
        );
      case "grpc-web":
        return withSharedSignals(createGrpcWebTransport(http2));
      case "connect":
        return withSharedSignals(createConnectTransport(http2));
    }
  }
  const http1Options = {
    ...nodeOptions,
    ...(proxy === undefined
      ? {}
      : { agent: http1TunnelAgent(proxy, target, nodeOptions as AgentOptions) }),
  } as Omit<RequestOptions, "signal">;
  const http1 = { ...common, httpVersion: "1.1" as const, nodeOptions: http1Options };
  return withSharedSignals(
    protocol === "grpc-web" ? createGrpcWebTransport(http1) : createConnectTransport(http1),
  );
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
