import * as http from "node:http";
import * as http2 from "node:http2";
import { create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ActionService } from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/message_pb.js";
import { listenLoopback } from "./loopback.js";
import { sampleMessage } from "./sample-message.js";

/** One call as the server received it. */
export interface ReceivedCall {
  method: string;
  request: Message;
  authorization: string | null;
  orgId: string | null;
}

/** A loopback server answering every RPC of both services with a sample response. */
export interface EchoServer {
  /** Base URL of the HTTP/2 (h2c) listener, for gRPC. */
  h2Url: string;
  /** Base URL of the HTTP/1.1 listener, for gRPC-web and Connect. */
  h1Url: string;
  calls: ReceivedCall[];
  /** The response a method answers with (deterministic per method). */
  responseFor(method: DescMessage, methodName: string): Message;
  close(): Promise<void>;
}

export const failHeader = "x-test-fail";

/** Seed a response from the method name so each RPC answers differently. */
function seedOf(name: string): number {
  let h = 7;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 997;
  return h;
}

/**
 * Start a real connect server on 127.0.0.1 (HTTP/2 and HTTP/1.1 listeners) that records each request,
 * echoes `authorization` and `x-zitadel-orgid` back as response headers, and answers with a sample
 * message; a request carrying `x-test-fail: <code>` is answered with that error and a ZITADEL ErrorDetail.
 */
export async function startEchoServer(): Promise<EchoServer> {
  const calls: ReceivedCall[] = [];
  const routes = (router: ConnectRouter) => {
    for (const service of [ActionService, ManagementService] as DescService[]) {
      const impl: Record<string, (req: Message, ctx: HandlerContext) => Message> = {};
      for (const method of service.methods) {
        impl[method.localName] = (req, ctx) => {
          const authorization = ctx.requestHeader.get("authorization");
          const orgId = ctx.requestHeader.get("x-zitadel-orgid");
          calls.push({ method: method.name, request: req, authorization, orgId });
          if (authorization) ctx.responseHeader.set("x-echo-authorization", authorization);
          if (orgId) ctx.responseHeader.set("x-echo-orgid", orgId);
          const fail = ctx.requestHeader.get(failHeader);
          if (fail) {
            throw new ConnectError(
              "Target not found (QUERY-hj5oaniyrz)",
              Number(fail) as Code,
              undefined,
              [
                {
                  desc: ErrorDetailSchema,
                  value: create(ErrorDetailSchema, {
                    id: "QUERY-hj5oaniyrz",
                    message: "Target not found",
                  }),
                },
              ],
            );
          }
          return sampleMessage(method.output, seedOf(method.name));
        };
      }
      // biome-ignore lint/suspicious/noExplicitAny: the implementation is built by reflection
      router.service(service, impl as any);
    }
  };
  const handler = connectNodeAdapter({ routes });
  const [h2, h1] = await Promise.all([
    listenLoopback(http2.createServer(handler)),
    listenLoopback(http.createServer(handler)),
  ]);
  return {
    h2Url: h2.baseUrl,
    h1Url: h1.baseUrl,
    calls,
    responseFor: (output, name) => sampleMessage(output, seedOf(name)),
    close: async () => {
      await Promise.all([h2.close(), h1.close()]);
    },
  };
}

export { Code };
