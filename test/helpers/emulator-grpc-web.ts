import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";

/** Frame one message the way gRPC-web does: flag byte 0, big-endian length, payload. */
function grpcWebFrame(payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(5 + payload.length);
  new DataView(frame.buffer).setUint32(1, payload.length);
  frame.set(payload, 5);
  return frame;
}

/** Split a gRPC-web response body into its data message (if any) and its trailers. */
function readGrpcWebBody<T extends DescMessage>(
  schema: T,
  body: Uint8Array,
): { message?: MessageShape<T>; trailers: Record<string, string> } {
  let offset = 0;
  let message: MessageShape<T> | undefined;
  const trailers: Record<string, string> = {};
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (offset < body.length) {
    const flags = body[offset]!;
    const length = view.getUint32(offset + 1);
    const payload = body.subarray(offset + 5, offset + 5 + length);
    if (payload.length !== length) throw new Error("truncated gRPC-web frame");
    offset += 5 + length;
    if ((flags & 0x80) === 0x80) {
      for (const line of new TextDecoder().decode(payload).split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon > 0)
          trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
    } else {
      message = fromBinary(schema, payload);
    }
  }
  return message === undefined ? { trailers } : { message, trailers };
}

export { grpcWebFrame, readGrpcWebBody };
