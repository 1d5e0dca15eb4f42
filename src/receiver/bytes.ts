/**
 * Byte helpers for the receiver: UTF-8, hex, base64 and a constant-time comparison.
 * Pure ECMAScript plus `TextEncoder`/`TextDecoder`/`atob`/`btoa`, so they run in every runtime.
 *
 * @module
 */

/** Hold a body as raw bytes or text, as received or sent over HTTP. */
type BodyInput = string | Uint8Array | ArrayBuffer;

const encoder = new TextEncoder();

/**
 * Return the bytes of a body: UTF-8 for strings, a view for an ArrayBuffer, the array itself otherwise.
 */
function bodyBytes(body: BodyInput): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (Object.prototype.toString.call(body) === "[object ArrayBuffer]") {
    return new Uint8Array(body as ArrayBuffer);
  }
  throw new TypeError("body must be a string, a Uint8Array or an ArrayBuffer");
}

/**
 * Return the UTF-8 text of some bytes, or undefined when they are not valid UTF-8.
 */
function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Return the lower-case hex spelling of some bytes.
 */
function hexEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * Return the bytes of a hex string, or undefined when it is not an even run of hex digits.
 */
function hexDecode(hex: string): Uint8Array | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Return the standard (padded) base64 spelling of some bytes.
 */
function base64Encode(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Return the bytes of a base64 string (standard or URL-safe, padding optional), or undefined.
 */
function base64Decode(text: string): Uint8Array | undefined {
  const normalized = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) return undefined;
  const unpadded = normalized.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  const padded = unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Return whether two byte arrays are equal, taking time that depends only on their lengths.
 */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export type { BodyInput };
export { base64Decode, base64Encode, bodyBytes, hexDecode, hexEncode, timingSafeEqual, utf8Text };
