/**
 * The Fetch adapter: a `(request: Request) => Promise<Response>` handler for Deno, Bun,
 * Cloudflare Workers, Next.js route handlers and any other Fetch-based server.
 *
 * @module
 */
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

/** Configure `createFetchReceiver`: the options of `readPayload` plus adapter settings. */
interface FetchReceiverOptions extends ReadPayloadOptions {
  /** Largest accepted body in bytes; bigger bodies get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Called with every failure before the error response is sent (a `ReceiverError` for refused
   * calls, anything else for handler or configuration errors). Default: `console.error` for
   * the latter, nothing for refused calls.
   */
  onError?: (error: unknown) => void;
}

/** Handle each verified payload of a Fetch receiver (the request body is already consumed). */
type FetchReceiverHandler = (
  payload: Payload,
  request: Request,
) => ReceiverReply | Promise<ReceiverReply> | void | Promise<void>;

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Return the body of a request, refusing more than `limit` bytes without reading them all.
 */
async function readRequestBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  if (request.body === null) return new Uint8Array(0);
  return collectBody(streamChunks(request.body), limit);
}

function defaultOnError(error: unknown): void {
  if (!(error instanceof ReceiverError) && !(error instanceof BodyTooLargeError)) {
    console.error(error);
  }
}

/**
 * Create a Fetch handler that verifies and decodes ZITADEL's calls, then runs `handler`.
 * Refused calls get 401 (signature) or 400 (decoding) with `{ error: reason }`; non-POST gets 405.
 *
 * @example
 * ```ts
 * export default {
 *   fetch: createFetchReceiver((payload) => {
 *     if (payload.kind === "function") return functionReply({ appendClaims: { team: "blue" } });
 *   }, { signingKeys: env.ZITADEL_SIGNING_KEY }),
 * };
 * ```
 */
function createFetchReceiver(
  handler: FetchReceiverHandler,
  options: FetchReceiverOptions,
): (request: Request) => Promise<Response> {
  const limit = bodyLimit(options.maxBodyBytes);
  const onError = options.onError ?? defaultOnError;
  return async (request) => {
    if (request.method !== "POST") {
      return new Response(null, { status: 405, headers: { allow: "POST" } });
    }
    try {
      const body = await readRequestBody(request, limit);
      const payload = await readPayload({ body, headers: request.headers }, options);
      const reply = (await handler(payload, request)) as ReceiverReply;
      return replyResponse(reply);
    } catch (error) {
      onError(error);
      return failureResponse(error);
    }
  };
}

export type { FetchReceiverHandler, FetchReceiverOptions };
export { createFetchReceiver };
