/**
 * How the adapters turn handler results and failures into Fetch `Response`s.
 *
 * @module
 */
import { ReceiverError, receiverErrorStatus } from "./receiver-error.js";

/**
 * List what a handler may return: a `Response` as is, a JSON-serializable value (sent as a 200 JSON
 * body: a reply for `call` targets), or nothing (an empty 200, enough for webhooks and events).
 */
type ReceiverReply = Response | object | string | number | boolean | null | undefined;

/** Default cap on a received body: 1 MiB. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function isResponse(value: unknown): value is Response {
  return (
    typeof Response !== "undefined" &&
    (value instanceof Response ||
      (typeof value === "object" &&
        value !== null &&
        typeof (value as Response).arrayBuffer === "function" &&
        typeof (value as Response).status === "number" &&
        typeof (value as Response).headers?.get === "function"))
  );
}

/**
 * Return the HTTP answer for a handler's result.
 */
function replyResponse(reply: ReceiverReply): Response {
  if (isResponse(reply)) return reply;
  if (reply === undefined) return new Response(null, { status: 200 });
  return jsonResponse(200, reply);
}

/**
 * Return the HTTP answer for a failure: 401/400 with `{ error: reason, message }` for a
 * ReceiverError, 413 for an oversized body, 500 with `{ error: "internal" }` otherwise.
 */
function failureResponse(error: unknown): Response {
  if (error instanceof ReceiverError) {
    return jsonResponse(receiverErrorStatus(error.reason), {
      error: error.reason,
      message: error.message,
    });
  }
  if (error instanceof BodyTooLargeError) {
    return jsonResponse(413, { error: "too_large", message: error.message });
  }
  return jsonResponse(500, { error: "internal" });
}

/** Signals a body larger than the adapter's `maxBodyBytes`. */
class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Collect chunks into one array, failing with BodyTooLargeError beyond `limit` bytes.
 */
async function collectBody(chunks: AsyncIterable<unknown>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  for await (const chunk of chunks) {
    const bytes =
      typeof chunk === "string"
        ? encoder.encode(chunk)
        : chunk instanceof Uint8Array
          ? chunk
          : new Uint8Array(chunk as ArrayBuffer);
    size += bytes.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    parts.push(bytes);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Return `maxBodyBytes` checked, or the default.
 */
function bodyLimit(maxBodyBytes: number | undefined): number {
  const limit = maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new TypeError("maxBodyBytes must be a positive integer");
  }
  return limit;
}

export type { ReceiverReply };
export { BodyTooLargeError, bodyLimit, collectBody, failureResponse, replyResponse };
