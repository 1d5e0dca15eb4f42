import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import type { JsonObject } from "@bufbuild/protobuf";
import { createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createEmulatorCore, type EmulatorOptions, emulatorControls } from "./core.js";
import type { InvokeCondition } from "./execution-runner.js";
import { type FaultSpec, type ResponseControl, responseControlKey } from "./faults.js";
import {
  createOAuthEndpoints,
  type OAuthEndpoints,
  type ServiceAccountKeyRegistration,
} from "./oauth.js";

/** A request as seen by the emulator's HTTP handlers (HTTP/1.1 or HTTP/2). */
type EmulatorRequest = http.IncomingMessage | http2.Http2ServerRequest;
/** A response as seen by the emulator's HTTP handlers (HTTP/1.1 or HTTP/2). */
type EmulatorResponse = http.ServerResponse | http2.Http2ServerResponse;

/**
 * An extra HTTP handler tried before the RPC adapter (e.g. OAuth endpoints); resolves `true` when it
 * answered the request.
 */
type EmulatorHttpHandler = (
  req: EmulatorRequest,
  res: EmulatorResponse,
) => boolean | Promise<boolean>;

/** Options of `startEmulator`. */
interface StartEmulatorOptions extends EmulatorOptions {
  /** Port to listen on (default 0: an ephemeral port). */
  port?: number;
  /** Host to bind (default `"127.0.0.1"`). */
  host?: string;
  /** Extra HTTP handlers tried in order before the RPC adapter. */
  httpHandlers?: EmulatorHttpHandler[];
  /** Extra bearer-token validators accepted besides `token` (e.g. tokens the emulator issued). */
  tokenValidators?: Array<(token: string) => boolean>;
  /** Lifetime of access tokens issued by `/oauth/v2/token`, in seconds (default 3600). */
  tokenTtlSec?: number;
}

/** A running emulator. */
interface Emulator {
  /** `http://<host>:<port>`: the base URL for gRPC, gRPC-web and Connect clients. */
  readonly baseUrl: string;
  /** The bound port. */
  readonly port: number;
  /** Stop listening and close every open connection. */
  close(): Promise<void>;
  /** Restore the initial state (seed), drop pending faults and reset call counts. */
  reset(): void;
  /** Queue a fault for the next calls of an RPC. */
  injectFault(spec: FaultSpec): void;
  /** Drop every pending fault. */
  clearFaults(): void;
  /** Return how many calls of an RPC (by name, e.g. `"GetTarget"`) reached the server; all when omitted. */
  callCount(method?: string): number;
  /** Change the delay added to every call. */
  setLatency(ms: number): void;
  /** Register a service account's public key for the JWT-profile grant at `/oauth/v2/token`. */
  addServiceAccountKey(registration: ServiceAccountKeyRegistration): void;
  /** Register an OAuth client for the client-credentials grant at `/oauth/v2/token`. */
  addClient(client: { clientId: string; clientSecret: string }): void;
  /** The OAuth endpoints (issuer = `baseUrl`): token requests served, JWKS, JWT signing. */
  readonly oauth: OAuthEndpoints;
  /**
   * Run the execution matching a condition, calling its targets as ZITADEL would, and resolve with
   * the outcome: for a function the merged answers of its `call` targets; for a request or
   * response the (possibly replaced) `request` or `response`; for an event `undefined`. `payload`
   * holds the body fields to send; the emulator fills in the others (e.g. `function`, `event_type`,
   * `fullMethod`, `instanceID`). Rejects with ZITADEL's error when a target with
   * `interruptOnError` fails. Request and response executions also run by themselves around
   * every emulated RPC.
   */
  invoke(condition: InvokeCondition, payload?: JsonObject): Promise<JsonObject | undefined>;
}

const allowedHeaders = [
  "content-type",
  "x-grpc-web",
  "x-user-agent",
  "authorization",
  "x-zitadel-orgid",
  "connect-protocol-version",
  "connect-timeout-ms",
  "grpc-timeout",
  "connect-accept-encoding",
  "connect-content-encoding",
  "grpc-accept-encoding",
  "grpc-encoding",
];
const exposedHeaders = [
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-encoding",
  "grpc-accept-encoding",
  "connect-content-encoding",
  "connect-accept-encoding",
];

/**
 * Start an emulator serving gRPC (HTTP/2 cleartext), gRPC-web and Connect (HTTP/1.1) on one port.
 *
 * It is a development and test tool, not a ZITADEL replacement. It calls the targets of matching
 * executions like ZITADEL, and unlike ZITADEL it allows loopback and private target endpoints.
 *
 * @example
 * ```ts
 * import { startEmulator } from "zitadel-actions/emulator";
 * import { createActionsClient, createActionsTransport } from "zitadel-actions/node";
 * const emulator = await startEmulator({ token: "dev" });
 * const client = createActionsClient(createActionsTransport({ baseUrl: emulator.baseUrl, token: "dev" }));
 * // ...
 * await emulator.close();
 * ```
 */
async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const core = createEmulatorCore(options);
  core.auth.validators.push(...(options.tokenValidators ?? []));
  const handlers: EmulatorHttpHandler[] = [...(options.httpHandlers ?? [])];
  const controls = new WeakMap<EmulatorRequest, ResponseControl>();
  const adapter = connectNodeAdapter({
    routes: core.routes,
    interceptors: core.interceptors,
    // Like ZITADEL's gRPC server, never compress responses on its own: on loopback, gzip only costs CPU.
    acceptCompression: [],
    contextValues: (req) => createContextValues().set(responseControlKey, controls.get(req)),
  });

  const onRequest = (req: EmulatorRequest, res: EmulatorResponse) => {
    req.on("error", () => {});
    res.on("error", () => {});
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  };
  const handle = async (req: EmulatorRequest, res: EmulatorResponse) => {
    applyCors(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(204);
      res.end();
      return;
    }
    for (const handler of handlers) {
      if (await handler(req, res)) return;
    }
    bracketIpv6Authority(req);
    const control: ResponseControl = { mode: "normal" };
    controls.set(req, control);
    guardResponse(res, control, () => {
      const session = "stream" in req ? req.stream?.session : undefined;
      const raw = session === undefined ? req.socket : rawSockets.get(session);
      raw?.destroy();
      session?.destroy();
    });
    adapter(req as http.IncomingMessage, res as http.ServerResponse);
  };

  const h1 = http.createServer(onRequest);
  const h2 = http2.createServer({}, onRequest);
  // Remember each HTTP/2 session's raw socket, so a drop fault can cut the TCP connection itself.
  const rawSockets = new WeakMap<http2.Http2Session, net.Socket>();
  let connecting: net.Socket | undefined;
  h2.on("session", (session) => {
    if (connecting !== undefined) rawSockets.set(session, connecting);
  });
  const sockets = new Set<net.Socket>();
  // Small gRPC frames must not wait for Nagle's algorithm.
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    sniff(socket, (isHttp2) => {
      if (isHttp2) {
        connecting = socket;
        h2.emit("connection", socket);
        connecting = undefined;
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const baseUrl = `http://${hostForUrl}:${address.port}`;
  // The issuer is the base URL, known only now: its token endpoint answers before the RPC adapter,
  // and the access tokens it issues are accepted like the static `token`.
  const oauth = createOAuthEndpoints({ issuer: baseUrl, tokenTtlSec: options.tokenTtlSec });
  handlers.unshift((req, res) => oauth.handle(req, res));
  core.auth.validators.push((t) => oauth.isValidToken(t));
  core.executions.setJwtSigner((payload) => oauth.signJwt(payload));
  core.executions.setUserResolver((t) => oauth.tokenInfo(t)?.subject);
  return {
    baseUrl,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        core.executions.abortPending();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        h1.close();
        h2.close();
      }),
    ...emulatorControls(core),
    setLatency: (ms) => core.setLatency(ms),
    addServiceAccountKey: (registration) => oauth.addServiceAccountKey(registration),
    addClient: (client) => oauth.addClient(client),
    oauth,
  };
}

/**
 * Put brackets around an IPv6 host in an HTTP/2 `:authority`. Node's HTTP/2 client sends
 * `::1:8080` for `http://[::1]:8080`, which connect's Node adapter cannot turn into a URL (it
 * answered HTTP 500).
 */
function bracketIpv6Authority(req: EmulatorRequest): void {
  const authority = req.headers[":authority"];
  if (typeof authority !== "string" || authority.startsWith("[")) return;
  const colon = authority.lastIndexOf(":");
  const host = authority.slice(0, colon);
  if (colon < 0 || !host.includes(":")) return;
  req.headers[":authority"] = `[${host}]:${authority.slice(colon + 1)}`;
}

/** Decide from the first bytes whether a connection speaks HTTP/2 with prior knowledge (`PRI * HTTP/2.0`). */
function sniff(socket: net.Socket, route: (isHttp2: boolean) => void): void {
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    if (seen.length < 3) return;
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    route(seen.subarray(0, 3).toString("latin1") === "PRI");
  };
  socket.on("data", onData);
}

function applyCors(req: EmulatorRequest, res: EmulatorResponse): void {
  const origin = req.headers.origin;
  res.setHeader("access-control-allow-origin", typeof origin === "string" ? origin : "*");
  res.setHeader("vary", "origin");
  res.setHeader("access-control-expose-headers", exposedHeaders.join(", "));
  if (req.method === "OPTIONS") {
    const requested = req.headers["access-control-request-headers"];
    const extra =
      typeof requested === "string" ? requested.split(",").map((h) => h.trim().toLowerCase()) : [];
    res.setHeader("access-control-allow-methods", "POST, GET, OPTIONS");
    res.setHeader(
      "access-control-allow-headers",
      [...new Set([...allowedHeaders, ...extra])].filter(Boolean).join(", "),
    );
    res.setHeader("access-control-max-age", "7200");
  }
}

/**
 * Let a drop or corrupt fault take over the response once the handler has run: connect writes the
 * head only after the implementation answered, so the call's effect has happened by then.
 */
function guardResponse(
  res: EmulatorResponse,
  control: ResponseControl,
  destroyConnection: () => void,
): void {
  const r = res as http.ServerResponse;
  const writeHead = r.writeHead.bind(r) as (
    status: number,
    headers?: http.OutgoingHttpHeaders,
  ) => unknown;
  const write = r.write.bind(r) as (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
  let corruptNext = false;
  let enveloped = false;
  (r as { writeHead: unknown }).writeHead = (
    status: number,
    headers?: http.OutgoingHttpHeaders,
  ) => {
    if (control.mode === "drop") {
      neutralize(r);
      destroyConnection();
      return r;
    }
    if (control.mode === "corrupt") {
      corruptNext = true;
      const h = { ...(headers ?? {}) };
      delete h["content-length"];
      enveloped = String(h["content-type"] ?? "").startsWith("application/grpc");
      return writeHead(status, h);
    }
    return writeHead(status, headers);
  };
  (r as { write: unknown }).write = (chunk: unknown, encoding?: unknown, cb?: unknown) => {
    if (!corruptNext) return write(chunk, encoding, cb);
    corruptNext = false;
    const bytes = Buffer.from(chunk as Uint8Array);
    if (enveloped && bytes.length >= 5) {
      // Promise more message bytes than will ever arrive.
      bytes.writeUInt32BE(bytes.readUInt32BE(1) + 64, 1);
      return write(bytes, encoding, cb);
    }
    return write(Buffer.from([0x0a, 0xff, 0xff]), encoding, cb);
  };
}

function neutralize(res: http.ServerResponse): void {
  const r = res as unknown as Record<string, unknown>;
  r.write = (_chunk: unknown, _encoding: unknown, cb?: unknown) => {
    if (typeof cb === "function") cb();
    return true;
  };
  r.addTrailers = () => {};
  r.end = () => {
    res.emit("end");
    return res;
  };
}

export type {
  Emulator,
  EmulatorHttpHandler,
  EmulatorRequest,
  EmulatorResponse,
  StartEmulatorOptions,
};
export { startEmulator };
