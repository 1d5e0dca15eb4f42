import http from "node:http";
import http2 from "node:http2";
import { create, type DescMethod, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type HandlerContext,
  type ServiceImpl,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ActionService } from "../../gen/zitadel/action/v2/action_service_pb.js";
import { ManagementService } from "../../gen/zitadel/management_pb.js";
import { createOAuthEndpoints, type OAuthEndpoints } from "../../src/emulator/oauth.js";
import { listenLoopback } from "./loopback.js";

/** One call as the test server saw it. */
export interface SeenCall {
  method: string;
  authorization: string | null;
  timeoutMs: number | undefined;
}

/** A real loopback server for both services whose handlers the test steers. */
export interface TestActionsServer {
  baseUrl: string;
  /** Calls that reached a handler, in order. */
  seen: SeenCall[];
  /** Number of calls of `method` (e.g. "GetTarget") that reached a handler. */
  calls(method: string): number;
  /** Fail the next `times` calls of `method` with `code`. */
  failNext(method: string, code: Code, times: number): void;
  /** Make calls of `method` wait until the client gives up. */
  hang(method: string): void;
  close(): Promise<void>;
}

/** Options of `startActionsServer`. */
export interface TestActionsServerOptions {
  /** Refuse calls whose bearer token this rejects (Unauthenticated). */
  checkToken?: (token: string) => boolean;
  /** Serve over HTTP/1.1 instead of HTTP/2 (for gRPC-web and Connect clients). */
  http1?: boolean;
}

/** Start a connect server on 127.0.0.1 (port 0) implementing every RPC with empty answers. */
export async function startActionsServer(
  options: TestActionsServerOptions = {},
): Promise<TestActionsServer> {
  const seen: SeenCall[] = [];
  const failures = new Map<string, { code: Code; times: number }>();
  const hanging = new Set<string>();

  function implement(service: DescService): ServiceImpl<DescService> {
    const impl: Record<string, unknown> = {};
    for (const method of service.methods) {
      impl[method.localName] = (_req: unknown, ctx: HandlerContext) => handle(method, ctx);
    }
    return impl as ServiceImpl<DescService>;
  }

  async function handle(method: DescMethod, ctx: HandlerContext) {
    const authorization = ctx.requestHeader.get("authorization");
    seen.push({ method: method.name, authorization, timeoutMs: ctx.timeoutMs() });
    if (options.checkToken) {
      const token = authorization?.replace(/^Bearer /, "") ?? "";
      if (!options.checkToken(token)) {
        throw new ConnectError("invalid or missing token", Code.Unauthenticated);
      }
    }
    const failure = failures.get(method.name);
    if (failure && failure.times > 0) {
      failure.times--;
      throw new ConnectError(`injected ${Code[failure.code]}`, failure.code);
    }
    if (hanging.has(method.name)) {
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      throw new ConnectError("client went away", Code.Canceled);
    }
    return create(method.output, {});
  }

  const routes = (router: ConnectRouter) => {
    router.service(ActionService, implement(ActionService));
    router.service(ManagementService, implement(ManagementService));
  };
  const handler = connectNodeAdapter({ routes });
  const server = options.http1 ? http.createServer(handler) : http2.createServer(handler);
  const { close, port } = await listenLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    calls: (method) => seen.filter((c) => c.method === method).length,
    failNext: (method, code, times) => failures.set(method, { code, times }),
    hang: (method) => hanging.add(method),
    close,
  };
}

/** A node:http server hosting the emulator's OAuth endpoints. */
export interface TestOAuthServer {
  issuer: string;
  oauth: OAuthEndpoints;
  close(): Promise<void>;
}

/** Start the OAuth endpoints on their own HTTP/1.1 loopback server. */
export async function startOAuthServer(
  options: { tokenTtlSec?: number; delayMs?: number } = {},
): Promise<TestOAuthServer> {
  let oauth: OAuthEndpoints | undefined;
  const server = http.createServer(async (req, res) => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (oauth === undefined || !(await oauth.handle(req, res))) {
      res.writeHead(404).end();
    }
  });
  const { close, port } = await listenLoopback(server);
  const issuer = `http://127.0.0.1:${port}`;
  oauth = createOAuthEndpoints({ issuer, tokenTtlSec: options.tokenTtlSec });
  return { issuer, oauth, close };
}

/** Start a node:http server that accepts requests and never answers them. */
export async function startSilentServer(): Promise<{
  url: string;
  requests(): number;
  close(): Promise<void>;
}> {
  let count = 0;
  const server = http.createServer(() => {
    count++;
  });
  const { close, port } = await listenLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests: () => count, close };
}
