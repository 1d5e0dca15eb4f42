/**
 * The Node adapter: a `(req, res, next?)` handler for `node:http` servers and Express-style
 * routers. It uses structural request/response types, so it has no `node:*` imports and fits
 * `http.createServer`, Express, Connect and Fastify's raw `req`/`res`.
 *
 * @module
 */
import { bodyBytes } from "./bytes.js";
import type { Payload } from "./payload.js";
import { type ReadPayloadOptions, readPayload } from "./read-payload.js";
import { ReceiverError } from "./receiver-error.js";
import {
  BodyTooLargeError,
  bodyLimit,
  collectBody,
  failureResponse,
  type ReceiverReply,
  replyResponse,
} from "./reply-response.js";

/** Describe the parts of a Node `IncomingMessage` (or Express `Request`) the adapter uses. */
interface NodeRequestLike extends AsyncIterable<unknown> {
  /** Request headers. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** HTTP method. */
  method?: string;
  /** A body set by middleware: used when it is a Buffer/Uint8Array or string (raw body). */
  body?: unknown;
  /** A raw body some frameworks keep (e.g. Firebase Functions); used first when present. */
  rawBody?: unknown;
}

/** Describe the parts of a Node `ServerResponse` (or Express `Response`) the adapter uses. */
interface NodeResponseLike {
  /** Status code to send. */
  statusCode: number;
  /** Set a response header. */
  setHeader(name: string, value: string): unknown;
  /** Finish the response. */
  end(chunk?: Uint8Array): unknown;
  /** Whether headers were already sent (the handler answered itself). */
  readonly headersSent?: boolean;
  /** Whether the response already ended. */
  readonly writableEnded?: boolean;
}

/** Configure `createNodeReceiver`: the options of `readPayload` plus adapter settings. */
interface NodeReceiverOptions extends ReadPayloadOptions {
  /** Largest accepted body in bytes; bigger bodies get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Called with every failure before the error response is sent (a `ReceiverError` for refused
   * calls, anything else for handler or configuration errors). Default: `console.error` for
   * the latter, nothing for refused calls. With Express, unexpected errors go to `next(err)`.
   */
  onError?: (error: unknown) => void;
}

/**
 * Handle each verified payload of a Node receiver. It may answer through `res`
 * itself; otherwise its return value is sent (see `ReceiverReply`).
 */
type NodeReceiverHandler<Req, Res> = (
  payload: Payload,
  req: Req,
  res: Res,
) => ReceiverReply | Promise<ReceiverReply> | void | Promise<void>;

function rawBodyOf(req: NodeRequestLike): Uint8Array | string | undefined {
  for (const candidate of [req.rawBody, req.body]) {
    if (typeof candidate === "string" || candidate instanceof Uint8Array) return candidate;
  }
  if (req.body !== undefined && req.body !== null && typeof req.body === "object") {
    const parsed = Object.keys(req.body).length > 0;
    if (parsed || (req as { readableEnded?: boolean }).readableEnded) {
      throw new TypeError(
        "the request body was already parsed, so its signature cannot be checked: " +
          'give this route the raw body (e.g. express.raw({ type: "*/*" }))',
      );
    }
  }
  return undefined;
}

async function send(res: NodeResponseLike, response: Response): Promise<void> {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  const body = new Uint8Array(await response.arrayBuffer());
  res.end(body.length > 0 ? body : undefined);
}

function defaultOnError(error: unknown): void {
  if (!(error instanceof ReceiverError) && !(error instanceof BodyTooLargeError)) {
    console.error(error);
  }
}

/**
 * Create a `node:http` / Express handler that verifies and decodes ZITADEL's calls, then runs
 * `handler`. It reads the raw body itself, or takes a raw `req.rawBody`/`req.body` (Buffer or
 * string) left by middleware such as `express.raw()`. Refused calls get 401 (signature) or 400
 * (decoding) with `{ error: reason }`; non-POST gets 405.
 *
 * @example
 * ```ts
 * http.createServer(createNodeReceiver((payload) => {
 *   if (payload.kind === "event") console.log(payload.event_type);
 * }, { signingKeys: process.env.ZITADEL_SIGNING_KEY! })).listen(8090);
 * ```
 */
function createNodeReceiver<
  Req extends NodeRequestLike = NodeRequestLike,
  Res extends NodeResponseLike = NodeResponseLike,
>(
  handler: NodeReceiverHandler<Req, Res>,
  options: NodeReceiverOptions,
): (req: Req, res: Res, next?: (error?: unknown) => void) => Promise<void> {
  const limit = bodyLimit(options.maxBodyBytes);
  const onError = options.onError ?? defaultOnError;
  return async (req, res, next) => {
    if (req.method !== undefined && req.method !== "POST") {
      await send(res, new Response(null, { status: 405, headers: { allow: "POST" } }));
      return;
    }
    try {
      const declared = Number(req.headers["content-length"] ?? Number.NaN);
      if (declared > limit) throw new BodyTooLargeError(limit);
      const raw = rawBodyOf(req);
      const body = raw === undefined ? await collectBody(req, limit) : bodyBytes(raw);
      if (body.length > limit) throw new BodyTooLargeError(limit);
      const payload = await readPayload({ body, headers: req.headers }, options);
      const reply = (await handler(payload, req, res)) as ReceiverReply;
      await send(res, replyResponse(reply));
    } catch (error) {
      const refused = error instanceof ReceiverError || error instanceof BodyTooLargeError;
      if (!refused && next !== undefined && !res.headersSent) {
        next(error);
        return;
      }
      onError(error);
      await send(res, failureResponse(error));
    }
  };
}

export type { NodeReceiverHandler, NodeReceiverOptions, NodeRequestLike, NodeResponseLike };
export { createNodeReceiver };
