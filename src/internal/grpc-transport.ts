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

import type { ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http2";
import { gunzip } from "node:zlib";
import type { DescMessage, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import { create, fromBinary, isMessage, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import {
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";

/** Options of `createGrpcUnaryTransport`. */
interface GrpcUnaryTransportOptions {
  baseUrl: string;
  interceptors: Interceptor[];
  defaultTimeoutMs: number | undefined;
  /** Carries streaming calls (none of the actions RPCs stream, but the Transport must). */
  streaming: Transport;
}

const userAgent = "zitadel-actions";

/**
 * Create a Transport whose unary calls use our own gRPC framing over one reused HTTP/2 session.
 */
function createGrpcUnaryTransport(options: GrpcUnaryTransportOptions): Transport {
  const session = new Http2SessionManager(options.baseUrl);
  const base = options.baseUrl.replace(/\/?$/, "/");
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      const timeout =
        timeoutMs === undefined ? options.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
      return runUnary(
        session,
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
  session: Http2SessionManager,
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
  let next = (r: UnaryRequest<I, O>) => sendUnary(session, r);
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

/** Send one framed request message and read the framed response and trailers. */
function sendUnary<I extends DescMessage, O extends DescMessage>(
  session: Http2SessionManager,
  req: UnaryRequest<I, O>,
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
  const body = toBinary(method.input, req.message as MessageShape<I>);
  const frame = Buffer.allocUnsafe(5 + body.byteLength);
  frame[0] = 0;
  frame.writeUInt32BE(body.byteLength, 1);
  frame.set(body, 5);
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
    session.request("POST", url.pathname + url.search, headers, {}).then((s) => {
      stream = s;
      if (settled) {
        s.close(8);
        return;
      }
      let responseHeaders: IncomingHttpHeaders | undefined;
      let trailers: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      s.on("response", (h) => {
        responseHeaders = h;
      });
      s.on("trailers", (t) => {
        trailers = t;
      });
      s.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        session.notifyResponseByteRead(s);
      });
      s.on("error", (e) => {
        if (s.writableEnded && nodeErrorCodes(e).includes("ERR_STREAM_WRITE_AFTER_END")) return;
        // A reset by the server surfaces as ERR_HTTP2_STREAM_ERROR; its code says more (gRPC's mapping).
        fail(connectErrorFromH2ResetCode(s.rstCode) ?? e);
      });
      s.on("close", () => {
        if (settled) return;
        const resetError = connectErrorFromH2ResetCode(s.rstCode);
        if (resetError !== undefined) {
          fail(resetError);
          return;
        }
        readResponse(method, responseHeaders, trailers, chunks).then((res) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve({ ...res, stream: false, service: method.parent, method });
        }, fail);
      });
      s.end(frame);
    }, fail);
  });
}

/** Turn the collected response into a message and metadata, or the error it carries. */
async function readResponse<O extends DescMessage>(
  method: DescMethodUnary<DescMessage, O>,
  rawHeaders: IncomingHttpHeaders | undefined,
  rawTrailers: IncomingHttpHeaders | undefined,
  chunks: Buffer[],
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
  if (contentType === null || !/^application\/grpc(?:\+proto)?(?:;|$)/i.test(contentType)) {
    throw new ConnectError(`unsupported content type ${contentType}`, Code.Unknown);
  }
  const encoding = header.get("grpc-encoding");
  if (encoding !== null && encoding.toLowerCase() !== "identity" && encoding !== "gzip") {
    throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal, header);
  }
  const headerError = findStatusError(header);
  const messages = await splitEnvelopes(Buffer.concat(chunks), encoding === "gzip");
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
  if (messages.length > 1) {
    throw new ConnectError(
      "protocol error: received extra output message for unary method",
      Code.Unimplemented,
    );
  }
  const payload = messages[0];
  if (payload === undefined) {
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

async function splitEnvelopes(data: Buffer, gzipped: boolean): Promise<Uint8Array[]> {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < 5) {
      throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
    }
    const flags = data[offset]!;
    const length = data.readUInt32BE(offset + 1);
    if (data.length - offset - 5 < length) {
      throw new ConnectError(
        "protocol error: promised " +
          length +
          " bytes in enveloped message, got " +
          (data.length - offset - 5) +
          " bytes",
        Code.InvalidArgument,
      );
    }
    let payload: Uint8Array = data.subarray(offset + 5, offset + 5 + length);
    if ((flags & 1) === 1) {
      if (!gzipped) {
        throw new ConnectError(
          "received compressed envelope, but do not know how to decompress",
          Code.Internal,
        );
      }
      payload = await new Promise<Buffer>((resolve, reject) =>
        gunzip(payload, (err, out) =>
          err === null
            ? resolve(out)
            : reject(
                new ConnectError(
                  "decompression failed",
                  Code.InvalidArgument,
                  undefined,
                  undefined,
                  err,
                ),
              ),
        ),
      );
    }
    messages.push(payload);
    offset += 5 + length;
  }
  return messages;
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

/** Read the gRPC status of headers or trailers; `grpc-status-details-bin` wins over `grpc-status`. */
function findStatusError(headers: Headers): ConnectError | undefined {
  const details = headers.get("grpc-status-details-bin");
  if (details !== null) {
    const status = decodeStatus(Buffer.from(details, "base64"));
    if (status.code === 0) return undefined;
    const error = new ConnectError(status.message, status.code, headers);
    error.details = status.details;
    return error;
  }
  const grpcStatus = headers.get("grpc-status");
  if (grpcStatus === null || grpcStatus === "0") return undefined;
  const code = Number.parseInt(grpcStatus, 10);
  if (code in Code) {
    return new ConnectError(decodeURIComponent(headers.get("grpc-message") ?? ""), code, headers);
  }
  return new ConnectError(`invalid grpc-status: ${grpcStatus}`, Code.Internal, headers);
}

/** Decode a `google.rpc.Status` (code 1, message 2, details 3 as `google.protobuf.Any`). */
function decodeStatus(bytes: Uint8Array): {
  code: number;
  message: string;
  details: Array<{ type: string; value: Uint8Array }>;
} {
  const reader = new BinaryReader(bytes);
  let code = 0;
  let message = "";
  const details: Array<{ type: string; value: Uint8Array }> = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) {
      code = reader.int32();
    } else if (field === 2 && wireType === WireType.LengthDelimited) {
      message = reader.string();
    } else if (field === 3 && wireType === WireType.LengthDelimited) {
      const any = new BinaryReader(reader.bytes());
      let typeUrl = "";
      let value: Uint8Array = new Uint8Array(0);
      while (any.pos < any.len) {
        const [f, w] = any.tag();
        if (f === 1 && w === WireType.LengthDelimited) typeUrl = any.string();
        else if (f === 2 && w === WireType.LengthDelimited) value = any.bytes();
        else any.skip(w);
      }
      details.push({ type: typeUrl.substring(typeUrl.lastIndexOf("/") + 1), value });
    } else {
      reader.skip(wireType);
    }
  }
  return { code, message, details };
}

function codeFromHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
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
