/**
 * gRPC's length-prefixed messages and status trailers, for our lean unary paths. Universal: no
 * Node-only imports, so a fetch-based path can share it.
 *
 * @module
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";

/** gRPC's default receive limit, and ours for reads and writes: 4 MiB. */
const defaultMaxBytes = 4 * 1024 * 1024;

/** The size limits of one call's messages. */
interface MessageLimits {
  /** Largest response message accepted, before and after decompression. */
  readMaxBytes: number;
  /** Largest request message sent. */
  writeMaxBytes: number;
}

/** One length-prefixed message as received: its flags byte and its (possibly compressed) bytes. */
interface Envelope {
  flags: number;
  data: Uint8Array;
}

/** Frame one request message; refuse it before anything is sent when it exceeds `writeMaxBytes`. */
function encodeEnvelope(body: Uint8Array, writeMaxBytes: number): Uint8Array {
  if (body.byteLength > writeMaxBytes) {
    throw new ConnectError(
      `message size ${body.byteLength} is larger than configured writeMaxBytes ${writeMaxBytes}`,
      Code.ResourceExhausted,
    );
  }
  const frame = new Uint8Array(5 + body.byteLength);
  new DataView(frame.buffer).setUint32(1, body.byteLength);
  frame.set(body, 5);
  return frame;
}

/** Reads envelopes from chunks as they arrive, refusing one whose declared length is too large. */
interface EnvelopeReader {
  /** Add received bytes; throws `ResourceExhausted` as soon as a declared length exceeds the limit. */
  push(chunk: Uint8Array): void;
  /** Return the complete envelopes; throws when the bytes end inside one. */
  finish(): Envelope[];
}

/**
 * Create an incremental reader of gRPC envelopes that holds at most one message of
 * `readMaxBytes` (plus its 5-byte prefix) and stops at the first prefix announcing more.
 */
function createEnvelopeReader(readMaxBytes: number): EnvelopeReader {
  const envelopes: Envelope[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let need = 5; // bytes of the current prefix or message still to come
  let flags = -1; // -1 while reading a prefix
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = pending[0]!;
      const count = Math.min(head.byteLength, n - filled);
      out.set(head.subarray(0, count), filled);
      filled += count;
      if (count === head.byteLength) pending.shift();
      else pending[0] = head.subarray(count);
    }
    pendingBytes -= n;
    return out;
  };
  return {
    push(chunk) {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      while (pendingBytes >= need) {
        if (flags < 0) {
          const prefix = take(5);
          flags = prefix[0]!;
          need = new DataView(prefix.buffer).getUint32(1);
          if (need > readMaxBytes) {
            throw new ConnectError(
              `message size ${need} is larger than configured readMaxBytes ${readMaxBytes}`,
              Code.ResourceExhausted,
            );
          }
        } else {
          envelopes.push({ flags, data: take(need) });
          flags = -1;
          need = 5;
        }
      }
    },
    finish() {
      if (pendingBytes > 0 || flags >= 0) {
        const got = flags >= 0 ? pendingBytes : 0;
        pending = [];
        throw new ConnectError(
          flags >= 0
            ? `protocol error: promised ${need} bytes in enveloped message, got ${got} bytes`
            : "protocol error: incomplete envelope",
          Code.InvalidArgument,
        );
      }
      return envelopes;
    },
  };
}

/**
 * Read the gRPC status of headers or trailers, or undefined for OK / no status.
 * `grpc-status-details-bin` wins over `grpc-status`; a malformed `grpc-message` keeps the status
 * (its raw text becomes the message), an unparsable `grpc-status` is `Unknown`.
 */
function findStatusError(headers: Headers): ConnectError | undefined {
  const details = headers.get("grpc-status-details-bin");
  if (details !== null) {
    const status = decodeStatusDetails(details);
    if (status !== undefined) {
      if (status.code === 0) return undefined;
      const error = new ConnectError(status.message, status.code, headers);
      error.details = status.details;
      return error;
    }
  }
  const grpcStatus = headers.get("grpc-status");
  if (grpcStatus === null || grpcStatus === "0") return undefined;
  const code = /^\d{1,2}$/.test(grpcStatus) ? Number(grpcStatus) : Number.NaN;
  if (!(code >= 1 && code <= 16)) {
    return new ConnectError(
      `invalid grpc-status "${grpcStatus.slice(0, 20)}": not a gRPC status code (0-16)`,
      Code.Unknown,
      headers,
    );
  }
  return new ConnectError(decodeGrpcMessage(headers.get("grpc-message") ?? ""), code, headers);
}

/** Percent-decode `grpc-message`; a malformed encoding is kept as received. */
function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Decode base64 `google.rpc.Status` (code 1, message 2, details 3 as Any), or undefined if malformed. */
function decodeStatusDetails(
  base64: string,
):
  | { code: number; message: string; details: Array<{ type: string; value: Uint8Array }> }
  | undefined {
  let bytes: Uint8Array;
  try {
    const text = atob(base64.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
    bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
  try {
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
    if (!(code >= 0 && code <= 16)) return undefined;
    return { code, message, details };
  } catch {
    return undefined;
  }
}

/** Map a non-200 HTTP status of a gRPC response to a code, as gRPC's HTTP mapping does. */
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

export type { Envelope, EnvelopeReader, MessageLimits };
export {
  codeFromHttpStatus,
  createEnvelopeReader,
  defaultMaxBytes,
  encodeEnvelope,
  findStatusError,
};
