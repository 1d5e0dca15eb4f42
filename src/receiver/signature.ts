/**
 * ZITADEL's payload signature: `ZITADEL-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each
 * `v1` is HMAC-SHA256 over `"<t>.<raw body>"` keyed by the target's signing key (the key string's
 * UTF-8 bytes, not decoded). WebCrypto only, so it runs in Node, Deno, Bun, browsers and workers.
 *
 * @module
 */
import { type BodyInput, bodyBytes, hexDecode, hexEncode, timingSafeEqual } from "./bytes.js";
import { type HeadersInput, SIGNATURE_HEADER, signatureHeaderValue } from "./headers.js";
import type { SignatureFailureReason } from "./receiver-error.js";

/** Hold one signing key or several (during a key rotation any of them may match). */
type SigningKeys = string | readonly string[];

/** Configure `computeSignatureHeader`. */
interface ComputeSignatureHeaderOptions {
  /** The exact body bytes that are sent (for JWT/JWE payloads: the compact token). */
  body: BodyInput;
  /** The target's signing key; several keys give several `v1` parts, in order. */
  signingKeys: SigningKeys;
  /** Signing time as a `Date` or epoch milliseconds (truncated to whole seconds); default now. */
  timestamp?: Date | number;
}

/** Configure `verifySignature`. */
interface VerifySignatureOptions {
  /** The raw body exactly as received; a re-serialized JSON object will not verify. */
  body: BodyInput;
  /**
   * The header value (`t=…,v1=…`), or all request headers, from which `ZITADEL-Signature`
   * (else `X-ZITADEL-Signature`) is read. Absent or empty gives reason `missing`.
   */
  header: string | HeadersInput | null | undefined;
  /** The target's signing key, or several during a rotation: any `v1` may match any key. */
  signingKeys: SigningKeys;
  /**
   * Allowed distance in seconds between the header's `t` and now, in both directions
   * (a timestamp too far in the future is refused like a stale one). Default 300.
   */
  toleranceSec?: number;
  /** The current time as a `Date` or epoch milliseconds; default `Date.now()`. */
  now?: Date | number;
}

/** Report the outcome of `verifySignature`: the signing time, or a reason code on failure. */
type VerifySignatureResult =
  | { ok: true; timestamp: Date }
  | { ok: false; reason: SignatureFailureReason };

const DEFAULT_TOLERANCE_SEC = 300;
const MAC_BYTES = 32;
const encoder = new TextEncoder();

function keyList(signingKeys: SigningKeys): string[] {
  const keys = typeof signingKeys === "string" ? [signingKeys] : [...signingKeys];
  if (keys.length === 0 || keys.some((k) => typeof k !== "string" || k.length === 0)) {
    throw new TypeError("signingKeys must be a non-empty string or a non-empty array of them");
  }
  return keys;
}

function epochMs(value: Date | number | undefined, field: string): number {
  const ms = value === undefined ? Date.now() : typeof value === "number" ? value : value.getTime();
  if (!Number.isFinite(ms))
    throw new TypeError(`${field} must be a valid Date or epoch milliseconds`);
  return ms;
}

async function hmacSha256(key: string, t: string, body: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const prefix = encoder.encode(`${t}.`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix, 0);
  data.set(body, prefix.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, data));
}

/**
 * Compute the `ZITADEL-Signature` header value for a body, as ZITADEL sends it to a target.
 *
 * @example
 * ```ts
 * const header = await computeSignatureHeader({ body, signingKeys: target.signingKey });
 * await fetch(url, { method: "POST", body, headers: { "ZITADEL-Signature": header } });
 * ```
 */
async function computeSignatureHeader(options: ComputeSignatureHeaderOptions): Promise<string> {
  const keys = keyList(options.signingKeys);
  const body = bodyBytes(options.body);
  const t = String(Math.floor(epochMs(options.timestamp, "timestamp") / 1000));
  const parts = [`t=${t}`];
  for (const key of keys) parts.push(`v1=${hexEncode(await hmacSha256(key, t, body))}`);
  return parts.join(",");
}

type ParsedHeader =
  | { ok: true; t: string; seconds: number; signatures: Uint8Array[] }
  | { ok: false; reason: SignatureFailureReason };

function parseHeader(value: string): ParsedHeader {
  let t: string | undefined;
  const signatures: Uint8Array[] = [];
  for (const rawPart of value.split(",")) {
    const pieces = rawPart.split("=");
    if (pieces.length !== 2) return { ok: false, reason: "malformed" };
    const name = pieces[0]!.trim();
    const item = pieces[1]!.trim();
    if (name === "t") {
      if (t !== undefined || !/^\d{1,15}$/.test(item)) return { ok: false, reason: "malformed" };
      t = item;
    } else if (name === "v1") {
      // Like ZITADEL's own helper, a v1 that is not a hex SHA-256 MAC is skipped, not fatal.
      const mac = hexDecode(item);
      if (mac !== undefined && mac.length === MAC_BYTES) signatures.push(mac);
    } else if (name === "") {
      return { ok: false, reason: "malformed" };
    }
    // Other schemes (e.g. a future v2) are ignored.
  }
  if (t === undefined) return { ok: false, reason: "malformed" };
  if (signatures.length === 0) return { ok: false, reason: "no_signature" };
  return { ok: true, t, seconds: Number(t), signatures };
}

/**
 * Verify ZITADEL's signature header against the raw body and the target's signing key(s).
 *
 * Checks, in order: header present (`missing`), well-formed with one integer `t`
 * (`malformed`), at least one usable `v1` (`no_signature`), `t` within `toleranceSec` of now
 * in either direction (`expired`), and a constant-time HMAC match of any `v1` against any key
 * (`mismatch`). Throws a TypeError only for bad options (e.g. no signing key).
 *
 * @example
 * ```ts
 * const result = await verifySignature({ body: rawBody, header: request.headers, signingKeys: key });
 * if (!result.ok) return new Response(result.reason, { status: 401 });
 * ```
 */
async function verifySignature(options: VerifySignatureOptions): Promise<VerifySignatureResult> {
  const keys = keyList(options.signingKeys);
  const toleranceSec = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  if (!Number.isFinite(toleranceSec) || toleranceSec < 0) {
    throw new TypeError("toleranceSec must be a finite number of seconds >= 0");
  }
  const nowMs = epochMs(options.now, "now");
  const body = bodyBytes(options.body);
  const header =
    options.header === null || options.header === undefined || typeof options.header === "string"
      ? options.header
      : signatureHeaderValue(options.header);
  if (header === undefined || header === null || header.trim() === "") {
    return { ok: false, reason: "missing" };
  }
  const parsed = parseHeader(header);
  if (!parsed.ok) return parsed;
  if (Math.abs(Math.floor(nowMs / 1000) - parsed.seconds) > toleranceSec) {
    return { ok: false, reason: "expired" };
  }
  let matched = false;
  for (const key of keys) {
    const expected = await hmacSha256(key, parsed.t, body);
    // Compare against every v1 without stopping early, so timing reveals nothing about matches.
    for (const candidate of parsed.signatures) {
      matched = timingSafeEqual(expected, candidate) || matched;
    }
  }
  if (!matched) return { ok: false, reason: "mismatch" };
  return { ok: true, timestamp: new Date(parsed.seconds * 1000) };
}

export type {
  ComputeSignatureHeaderOptions,
  SigningKeys,
  VerifySignatureOptions,
  VerifySignatureResult,
};
export { computeSignatureHeader, SIGNATURE_HEADER, verifySignature };
