/**
 * A real loopback server (HTTP/2 cleartext, connect-node) for ActionService and the v1
 * ManagementService subset. Each test installs handlers per method; every request is recorded as
 * the server received it (decoded message and headers).
 */
import * as http2 from "node:http2";
import type { DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ActionService } from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import { type ActionsClient, createActionsClient } from "../../src/client.js";
import { createActionsTransport, type NodeActionsTransportOptions } from "../../src/node.js";
import { listenLoopback } from "./loopback.js";

type Methods = typeof ActionService.method & typeof ManagementService.method;
type MethodName = keyof Methods;
type RequestOf<K extends MethodName> = MessageShape<Methods[K]["input"]>;
type ResponseInitOf<K extends MethodName> = MessageInitShape<Methods[K]["output"]>;

/** A handler for one RPC: return the response (init shape) or throw a ConnectError. */
export type Handler<K extends MethodName> = (
  request: RequestOf<K>,
  context: HandlerContext,
) => ResponseInitOf<K> | Promise<ResponseInitOf<K>>;

/** One request as the server received it. */
export interface RecordedCall<K extends MethodName = MethodName> {
  method: K;
  request: RequestOf<K>;
  headers: Headers;
}

export interface RecordingServer {
  baseUrl: string;
  /** Every request received since the last `reset()`, in arrival order. */
  calls: RecordedCall[];
  /** Install (or replace) the handler of one RPC; RPCs without one answer an empty response. */
  handle<K extends MethodName>(method: K, handler: Handler<K>): void;
  /** The recorded requests of one RPC. */
  callsOf<K extends MethodName>(method: K): RecordedCall<K>[];
  /** Forget handlers and recorded calls. */
  reset(): void;
  /** A facade client over a gRPC transport to this server. */
  client(options?: Partial<NodeActionsTransportOptions>): ActionsClient;
  close(): Promise<void>;
}

/** Start a recording server on 127.0.0.1 and an ephemeral port. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const calls: RecordedCall[] = [];
  const handlers = new Map<string, Handler<MethodName>>();
  const implement = (service: DescService) =>
    Object.fromEntries(
      service.methods.map((method) => [
        method.localName,
        async (request: never, context: HandlerContext) => {
          calls.push({
            method: method.localName as MethodName,
            request,
            headers: new Headers(context.requestHeader),
          });
          const handler = handlers.get(method.localName);
          return handler === undefined ? {} : await handler(request, context);
        },
      ]),
    );
  const adapter = connectNodeAdapter({
    routes(router) {
      router.service(ActionService, implement(ActionService) as never);
      router.service(ManagementService, implement(ManagementService) as never);
    },
  });
  const server = await listenLoopback(http2.createServer(adapter));
  const { baseUrl } = server;
  return {
    baseUrl,
    calls,
    handle(method, handler) {
      handlers.set(method, handler as unknown as Handler<MethodName>);
    },
    callsOf<K extends MethodName>(method: K) {
      return calls.filter((call) => call.method === method) as RecordedCall<K>[];
    },
    reset() {
      calls.length = 0;
      handlers.clear();
    },
    client(options = {}) {
      return createActionsClient(createActionsTransport({ baseUrl, ...options }));
    },
    close: server.close,
  };
}
