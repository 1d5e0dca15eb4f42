/**
 * A real target endpoint for end-to-end tests: a `node:http` server on 127.0.0.1 whose paths run
 * `createNodeReceiver` from our receiver toolkit, recording every verified call with its raw body
 * and headers. Tests wait for calls with `next(path)` (bounded), never with sleeps.
 */
import * as http from "node:http";
import {
  createNodeReceiver,
  type NodeReceiverOptions,
  type Payload,
  type ReceiverReply,
} from "../../src/receiver/index.js";
import { listenLoopback } from "./loopback.js";

/** One call that passed the receiver's checks. */
interface ReceivedTargetCall {
  path: string;
  payload: Payload;
  /** The raw body text exactly as sent. */
  body: string;
  headers: http.IncomingHttpHeaders;
}

type RouteHandler = (payload: Payload) => ReceiverReply | Promise<ReceiverReply>;

interface TargetReceiver {
  /** Return the absolute URL of a path on this server. */
  url(path: string): string;
  /** Serve a path with the receiver toolkit; `handler` decides the answer (default: empty 200). */
  route(path: string, options: Omit<NodeReceiverOptions, "onError">, handler?: RouteHandler): void;
  /** Resolve with the next verified call of a path (a recorded, unconsumed one first). */
  next(path: string, timeoutMs?: number): Promise<ReceivedTargetCall>;
  /** Return how many verified calls reached a path. */
  count(path: string): number;
  /** Calls the receiver toolkit refused (signature or decoding failures). */
  readonly refused: unknown[];
  /** Resolve every held handler, then close the server. */
  close(): Promise<void>;
  /** Return a handler result that never settles until `close()` (for timeouts). */
  hold(): Promise<ReceiverReply>;
}

async function startTargetReceiver(): Promise<TargetReceiver> {
  const routes = new Map<
    string,
    (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>
  >();
  const queues = new Map<string, ReceivedTargetCall[]>();
  const waiters = new Map<string, Array<(call: ReceivedTargetCall) => void>>();
  const counts = new Map<string, number>();
  const refused: unknown[] = [];
  const held: Array<() => void> = [];

  const deliver = (call: ReceivedTargetCall) => {
    counts.set(call.path, (counts.get(call.path) ?? 0) + 1);
    const waiting = waiters.get(call.path)?.shift();
    if (waiting !== undefined) waiting(call);
    else queues.set(call.path, [...(queues.get(call.path) ?? []), call]);
  };

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const route = routes.get(path);
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    await route(req, res);
  });
  const listening = await listenLoopback(server);
  const base = listening.baseUrl;

  return {
    url: (path) => `${base}${path}`,
    route(path, options, handler) {
      const receive = createNodeReceiver<
        http.IncomingMessage & { rawBody?: Buffer },
        http.ServerResponse
      >(
        (payload, req) => {
          deliver({
            path,
            payload,
            body: (req.rawBody ?? Buffer.alloc(0)).toString("utf8"),
            headers: req.headers,
          });
          return handler?.(payload);
        },
        { ...options, onError: (error) => refused.push(error) },
      );
      routes.set(path, async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const withBody = req as http.IncomingMessage & { rawBody?: Buffer };
        withBody.rawBody = Buffer.concat(chunks);
        await receive(withBody, res);
      });
    },
    next(path, timeoutMs = 5000) {
      const queued = queues.get(path)?.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const list = waiters.get(path) ?? [];
          waiters.set(
            path,
            list.filter((w) => w !== take),
          );
          reject(new Error(`no call reached ${path} within ${timeoutMs} ms`));
        }, timeoutMs);
        const take = (call: ReceivedTargetCall) => {
          clearTimeout(timer);
          resolve(call);
        };
        waiters.set(path, [...(waiters.get(path) ?? []), take]);
      });
    },
    count: (path) => counts.get(path) ?? 0,
    refused,
    hold: () =>
      new Promise<ReceiverReply>((resolve) => {
        held.push(() => resolve(undefined));
      }),
    async close() {
      for (const release of held.splice(0)) release();
      await listening.close();
    },
  };
}

export type { ReceivedTargetCall, TargetReceiver };
export { startTargetReceiver };
