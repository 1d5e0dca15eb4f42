/**
 * A lean gRPC (HTTP/2) transport for Node: unary calls are framed and read directly on an HTTP/2
 * stream; streaming calls go to connect-node's gRPC transport.
 *
 * Why: connect-node 2.1.2 runs every unary call through async-iterable pipelines, linked abort
 * controllers and a per-call sentinel, which costs several times the client CPU of the call
 * itself (measured in `bench/`). The behaviour follows connect's gRPC transport: the same
 * request headers, deadline and cancellation semantics, error codes (HTTP status, trailers,
 * `grpc-status-details-bin`, HTTP/2 reset codes, Node socket errors) and interceptor order.
 *
 * @module
 */

import type {
  ClientHttp2Stream,
  Http2Session,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
} from "node:http2";
import { gunzip } from "node:zlib";
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { create, fromBinary, isMessage, toBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import {
  codeFromHttpStatus,
  createEnvelopeReader,
  type Envelope,
  type EnvelopeReader,
  encodeEnvelope,
  findStatusError,
  type MessageLimits,
} from "./grpc-framing.js";

/** Options of `createGrpcUnaryTransport`. */
interface GrpcUnaryTransportOptions extends MessageLimits {
  baseUrl: string;
  /** The HTTP/2 session to ZITADEL, shared with the streaming transport. */
  session: Http2SessionManager;
  interceptors: Interceptor[];
  defaultTimeoutMs: number | undefined;
  /** Carries streaming calls (none of the actions RPCs stream, but the Transport must). */
  streaming: Transport;
}

const userAgent = "zitadel-actions";
const grpcContentType = /^application\/grpc(?:\+proto)?(?:;|$)/i;

/**
 * Create a Transport whose unary calls use our own gRPC framing over one reused HTTP/2 session.
 */
function createGrpcUnaryTransport(options: GrpcUnaryTransportOptions): Transport {
  const { session, readMaxBytes, writeMaxBytes } = options;
  const limits: MessageLimits = { readMaxBytes, writeMaxBytes };
  const base = options.baseUrl.replace(/\/?$/, "/");
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      const timeout =
        timeoutMs === undefined ? options.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
      return runUnary(
        (r) => sendWithTransparentRetry(session, r, limits),
        options.interceptors,
        {
          stream: false,
          service: method.parent,
          method,
          requestMethod: "POST",
          url: `${base}${method.parent.typeName}/${method.name}`,
          header: requestHeader(timeout, header),
          contextValues: contextValues ?? createContextValues(),
          message: isMessage(input, method.input) ? input : create(method.input, input as never),
        },
        signal,
        timeout,
      );
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      return options.streaming.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}

function requestHeader(timeoutMs: number | undefined, user: HeadersInit | undefined): Headers {
  const header = new Headers(user);
  header.set("content-type", "application/grpc+proto");
  if (!header.has("user-agent")) header.set("user-agent", userAgent);
  if (timeoutMs !== undefined) header.set("grpc-timeout", `${timeoutMs}m`);
  header.set("te", "trailers");
  header.set("grpc-accept-encoding", "gzip");
  return header;
}

/** Run the interceptors around one call, with connect's deadline and cancellation semantics. */
async function runUnary<I extends DescMessage, O extends DescMessage>(
  send: (r: UnaryRequest<I, O>) => Promise<UnaryResponse<I, O>>,
  interceptors: Interceptor[],
  req: Omit<UnaryRequest<I, O>, "signal">,
  userSignal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<UnaryResponse<I, O>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onUserAbort = () => controller.abort(abortReason(userSignal!));
  if (userSignal !== undefined) {
    if (userSignal.aborted) onUserAbort();
    else userSignal.addEventListener("abort", onUserAbort, { once: true });
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(
      () => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
      timeoutMs,
    );
  }
  const cleanup = () => {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onUserAbort);
  };
  let next = send;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    next = interceptors[i]!(next as never) as unknown as typeof next;
  }
  try {
    const res = await next({ ...req, signal: controller.signal });
    cleanup();
    return res;
  } catch (reason) {
    cleanup();
    const error = controller.signal.aborted
      ? ConnectError.from(abortReason(controller.signal), Code.Canceled)
      : ConnectError.from(reason);
    if (!controller.signal.aborted) controller.abort(error);
    throw error;
  }
}

function abortReason(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const e = new Error("This operation was aborted");
  e.name = "AbortError";
  return e;
}

/** How many times a call that the server never processed is sent again (gRPC's transparent retry). */
const maxTransparentRetries = 5;

/** Marks an error of a stream that the server refused or never processed, so it is safe to resend. */
const unprocessed = Symbol("unprocessed");

/** The last stream id each session's peer said it processed, once it sent GOAWAY. */
const goawayLastStream = new WeakMap<Http2Session, number>();

/**
 * Send one call, resending it while the server provably never processed it (REFUSED_STREAM, or a
 * stream above a GOAWAY's last-stream-id), as gRPC's transparent retry does; every RPC qualifies,
 * since nothing reached a handler. Gives up as `Unavailable` after a few attempts or at the deadline.
 */
async function sendWithTransparentRetry<I extends DescMessage, O extends DescMessage>(
  session: Http2SessionManager,
  req: UnaryRequest<I, O>,
  limits: MessageLimits,
): Promise<UnaryResponse<I, O>> {
  const frame = encodeEnvelope(
    toBinary(req.method.input, req.message as MessageShape<I>),
    limits.writeMaxBytes,
  );
  for (let attempt = 0; ; attempt++) {
    try {
      return await sendUnary(session, req, frame, limits.readMaxBytes);
    } catch (e) {
      const refused = (e as { [unprocessed]?: boolean })[unprocessed] === true;
      if (!refused || req.signal.aborted) throw e;
      if (attempt >= maxTransparentRetries) {
        throw new ConnectError(
          `the server did not process the call after ${attempt + 1} attempts: ${(e as ConnectError).rawMessage}`,
          Code.Unavailable,
          undefined,
          undefined,
          e,
        );
      }
    }
  }
}

/** Send one framed request message and read the framed response and trailers. */
function sendUnary<I extends DescMessage, O extends DescMessage>(
  session: Http2SessionManager,
  req: UnaryRequest<I, O>,
  frame: Uint8Array,
  readMaxBytes: number,
): Promise<UnaryResponse<I, O>> {
  const { method, signal } = req;
  const url = new URL(req.url);
  if (url.origin !== session.authority) {
    return Promise.reject(
      new ConnectError(
        `cannot make a request to ${url.origin}: the http2 session is connected to ${session.authority}`,
        Code.Internal,
      ),
    );
  }
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const headers: OutgoingHttpHeaders = {};
  req.header.forEach((value, key) => {
    headers[key] = value;
  });
  return new Promise<UnaryResponse<I, O>>((resolve, reject) => {
    let stream: ClientHttp2Stream | undefined;
    let settled = false;
    const fail = (reason: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (stream !== undefined && !stream.closed) {
        const code = ConnectError.from(reason).code === Code.Canceled ? 8 : 2; // CANCEL : INTERNAL_ERROR
        stream.close(code);
      }
      reject(reason instanceof ConnectError ? reason : connectErrorFromNodeReason(reason));
    };
    const onAbort = () => fail(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    session.request("POST", url.pathname + url.search, headers, {}).then(
      (s) => {
        stream = s;
        watchGoaway(s.session);
        if (settled) {
          s.close(8);
          return;
        }
        let responseHeaders: IncomingHttpHeaders | undefined;
        let trailers: IncomingHttpHeaders | undefined;
        const reader = createEnvelopeReader(readMaxBytes);
        // Only a gRPC answer's body is framed; anything else is dropped unread (its error comes from the headers).
        let framed = false;
        s.on("response", (h) => {
          responseHeaders = h;
          framed = h[":status"] === 200 && grpcContentType.test(String(h["content-type"] ?? ""));
        });
        s.on("trailers", (t) => {
          trailers = t;
        });
        s.on("data", (chunk: Buffer) => {
          try {
            if (framed) reader.push(chunk);
          } catch (e) {
            fail(e);
            return;
          }
          session.notifyResponseByteRead(s);
        });
        // An error or a reset of a stream the server never processed is marked as safe to resend.
        const failStream = (error: unknown) => {
          const neverProcessed =
            s.rstCode === 7 /* REFUSED_STREAM */ ||
            (s.id !== undefined && s.id > (goawayLastStream.get(s.session!) ?? Infinity));
          const connectError =
            error instanceof ConnectError ? error : connectErrorFromNodeReason(error);
          if (neverProcessed && responseHeaders === undefined) {
            Object.defineProperty(connectError, unprocessed, { value: true });
          }
          fail(connectError);
        };
        s.on("error", (e) => {
          if (s.writableEnded && nodeErrorCodes(e).includes("ERR_STREAM_WRITE_AFTER_END")) return;
          // A reset by the server surfaces as ERR_HTTP2_STREAM_ERROR; its code says more (gRPC's mapping).
          failStream(connectErrorFromH2ResetCode(s.rstCode) ?? e);
        });
        s.on("close", () => {
          if (settled) return;
          const resetError = connectErrorFromH2ResetCode(s.rstCode);
          if (resetError !== undefined) {
            failStream(resetError);
            return;
          }
          readResponse(method, responseHeaders, trailers, reader, readMaxBytes).then((res) => {
            if (settled) return;
            settled = true;
            signal.removeEventListener("abort", onAbort);
            resolve({ ...res, stream: false, service: method.parent, method });
          }, fail);
        });
        s.end(frame);
      },
      (e: unknown) => {
        // The session was closing or could not take another stream: nothing was sent.
        const error = connectErrorFromNodeReason(e);
        if (
          nodeErrorCodes(e).some(
            (c) => c === "ERR_HTTP2_GOAWAY_SESSION" || c === "ERR_HTTP2_INVALID_SESSION",
          )
        ) {
          Object.defineProperty(error, unprocessed, { value: true });
        }
        fail(error);
      },
    );
  });
}

/** Remember the last stream id a session's peer processed when it sends GOAWAY. */
function watchGoaway(session: Http2Session | undefined): void {
  if (session === undefined || goawayLastStream.has(session) || watched.has(session)) return;
  watched.add(session);
  session.once("goaway", (_code: number, lastStreamId: number) => {
    goawayLastStream.set(session, lastStreamId);
  });
}
const watched = new WeakSet<Http2Session>();

/** Turn the collected response into a message and metadata, or the error it carries. */
async function readResponse<O extends DescMessage>(
  method: DescMethodUnary<DescMessage, O>,
  rawHeaders: IncomingHttpHeaders | undefined,
  rawTrailers: IncomingHttpHeaders | undefined,
  reader: EnvelopeReader,
  readMaxBytes: number,
): Promise<{ header: Headers; trailer: Headers; message: MessageShape<O> }> {
  if (rawHeaders === undefined) {
    throw new ConnectError(
      "protocol error: the stream closed without response headers",
      Code.Unavailable,
    );
  }
  const header = webHeaders(rawHeaders);
  const trailer = webHeaders(rawTrailers);
  const status = Number(rawHeaders[":status"] ?? 0);
  if (status !== 200) {
    throw new ConnectError(`HTTP ${status}`, codeFromHttpStatus(status), header);
  }
  const contentType = header.get("content-type");
  if (contentType === null || !grpcContentType.test(contentType)) {
    throw new ConnectError(`unsupported content type ${contentType}`, Code.Unknown);
  }
  const encoding = header.get("grpc-encoding");
  if (encoding !== null && encoding.toLowerCase() !== "identity" && encoding !== "gzip") {
    throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal, header);
  }
  const headerError = findStatusError(header);
  const envelopes = reader.finish();
  const trailerError = findStatusError(trailer);
  if (trailerError !== undefined) {
    header.forEach((value, key) => {
      trailerError.metadata.append(key, value);
    });
    throw trailerError;
  }
  if (!header.has("grpc-status") && !trailer.has("grpc-status")) {
    throw new ConnectError("protocol error: missing status", Code.Internal);
  }
  if (envelopes.length > 1) {
    throw new ConnectError(
      "protocol error: received extra output message for unary method",
      Code.Unimplemented,
    );
  }
  const envelope = envelopes[0];
  if (envelope === undefined) {
    if (headerError !== undefined) throw headerError;
    throw new ConnectError(
      "protocol error: missing output message for unary method",
      trailer.has("grpc-status") ? Code.Unimplemented : Code.Unknown,
    );
  }
  if (headerError !== undefined) {
    throw new ConnectError(
      "protocol error: received output message for unary method with error status",
      Code.Unknown,
    );
  }
  const payload = await decompress(envelope, encoding === "gzip", readMaxBytes);
  let message: MessageShape<O>;
  try {
    message = fromBinary(method.output, payload);
  } catch (e) {
    throw new ConnectError(
      `parse binary: ${e instanceof Error ? e.message : String(e)}`,
      Code.Internal,
    );
  }
  return { header, trailer, message };
}

/** Inflate a compressed envelope, stopping (ResourceExhausted) as soon as it passes `readMaxBytes`. */
async function decompress(
  envelope: Envelope,
  gzipped: boolean,
  readMaxBytes: number,
): Promise<Uint8Array> {
  if ((envelope.flags & 1) === 0) return envelope.data;
  if (!gzipped) {
    throw new ConnectError(
      "received compressed envelope, but do not know how to decompress",
      Code.Internal,
    );
  }
  return new Promise<Uint8Array>((resolve, reject) =>
    gunzip(envelope.data, { maxOutputLength: readMaxBytes }, (err, out) => {
      if (err === null) {
        resolve(out);
      } else if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        reject(
          new ConnectError(
            `message is larger than configured readMaxBytes ${readMaxBytes} after decompression`,
            Code.ResourceExhausted,
          ),
        );
      } else {
        reject(
          new ConnectError("decompression failed", Code.InvalidArgument, undefined, undefined, err),
        );
      }
    }),
  );
}

/** Convert Node's header object into `Headers`, without HTTP/2 pseudo-headers. */
function webHeaders(raw: IncomingHttpHeaders | undefined): Headers {
  const header = new Headers();
  if (raw === undefined) return header;
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) header.append(key, v);
    } else {
      header.append(key, String(value));
    }
  }
  return header;
}

const h2CodeNames = [
  "NO_ERROR",
  "PROTOCOL_ERROR",
  "INTERNAL_ERROR",
  "FLOW_CONTROL_ERROR",
  "SETTINGS_TIMEOUT",
  "STREAM_CLOSED",
  "FRAME_SIZE_ERROR",
  "REFUSED_STREAM",
  "CANCEL",
  "COMPRESSION_ERROR",
  "CONNECT_ERROR",
  "ENHANCE_YOUR_CALM",
  "INADEQUATE_SECURITY",
  "HTTP_1_1_REQUIRED",
];

/** Map an HTTP/2 RST_STREAM code to a ConnectError, as connect-node does (none for NO_ERROR and STREAM_CLOSED). */
function connectErrorFromH2ResetCode(rstCode: number | undefined): ConnectError | undefined {
  const codes: Record<number, Code> = {
    1: Code.Internal,
    2: Code.Internal,
    3: Code.Internal,
    4: Code.Internal,
    6: Code.Internal,
    9: Code.Internal,
    10: Code.Internal,
    7: Code.Unavailable,
    8: Code.Canceled,
    11: Code.ResourceExhausted,
    12: Code.PermissionDenied,
    13: Code.PermissionDenied,
  };
  if (rstCode === undefined || !(rstCode in codes)) return undefined;
  return new ConnectError(
    `http/2 stream closed with error code ${h2CodeNames[rstCode]} (0x${rstCode.toString(16)})`,
    codes[rstCode],
  );
}

function nodeErrorCodes(reason: unknown): string[] {
  const codes: string[] = [];
  const seen: unknown[] = [];
  while (reason instanceof Error && !seen.includes(reason)) {
    seen.push(reason);
    const code = (reason as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    reason = (reason as { cause?: unknown }).cause;
  }
  return codes;
}

/** Map a Node error to a ConnectError with connect-node's codes. */
function connectErrorFromNodeReason(reason: unknown): ConnectError {
  const codes = nodeErrorCodes(reason);
  let code = Code.Internal;
  if (codes.includes("ERR_STREAM_WRITE_AFTER_END")) {
    code = Code.Aborted;
  } else if (
    codes.some(
      (c) => c === "ERR_STREAM_DESTROYED" || c === "ERR_HTTP2_INVALID_STREAM" || c === "ECONNRESET",
    )
  ) {
    code = Code.Aborted;
  } else if (
    codes.some(
      (c) => c === "ETIMEDOUT" || c === "ENOTFOUND" || c === "EAI_AGAIN" || c === "ECONNREFUSED",
    )
  ) {
    code = Code.Unavailable;
  }
  const error = ConnectError.from(reason, code);
  if (error !== reason) error.cause = reason;
  return error;
}

export type { GrpcUnaryTransportOptions };
export { createGrpcUnaryTransport };
