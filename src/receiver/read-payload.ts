/**
 * `readPayload`: verify a call from ZITADEL and decode its body into a typed payload.
 *
 * @module
 */
import { type BodyInput, bodyBytes, utf8Text } from "./bytes.js";
import type { HeadersInput } from "./headers.js";
import { type DecryptionKeys, decryptJwePayload } from "./jwe-payload.js";
import { type JwksSource, resolveJwks } from "./jwks.js";
import { verifyJwtPayload } from "./jwt-payload.js";
import { type Payload, type PayloadFormat, toPayload } from "./payload.js";
import { ReceiverError } from "./receiver-error.js";
import { type SigningKeys, verifySignature } from "./signature.js";

/** Describe a received call as raw body plus headers (e.g. from a framework that read the body). */
interface ReceivedCall {
  /** The raw body exactly as received. */
  body: BodyInput;
  /** The request headers. */
  headers: HeadersInput;
}

/** Configure `readPayload` and the adapters. */
interface ReadPayloadOptions {
  /** The target's signing key, or several during a rotation. */
  signingKeys: SigningKeys;
  /**
   * The instance JWKS for JWT (and JWE) payloads: a JWKS object, its URL, or a jose key
   * resolver. Default: `<issuer>/oauth/v2/keys`, fetched with jose and cached per URL.
   */
  jwks?: JwksSource;
  /** The instance URL (e.g. `https://my-instance.zitadel.cloud`); used to locate the JWKS. */
  issuer?: string;
  /** Private keys for JWE payloads, by the `kid` of the target public key (PKCS#8 PEM or CryptoKey). */
  decryptionKeys?: DecryptionKeys;
  /** Allowed clock distance of the signature timestamp in seconds, both directions; default 300. */
  toleranceSec?: number;
  /** The current time as a `Date` or epoch milliseconds; default now. */
  now?: Date | number;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const COMPACT_JWE =
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function isFetchRequest(input: Request | ReceivedCall): input is Request {
  return (
    typeof (input as Request).arrayBuffer === "function" &&
    typeof (input as Request).headers?.get === "function"
  );
}

function parseJson(text: string, format: PayloadFormat): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const where = format === "json" ? "body" : `${format.toUpperCase()} payload`;
    throw new ReceiverError("payload_invalid", `the ${where} is not valid JSON`, { cause });
  }
}

async function verifiedJwt(token: string, options: ReadPayloadOptions): Promise<string> {
  const keys = resolveJwks(options.jwks, options.issuer);
  if (keys === undefined) {
    throw new TypeError("a JWT payload arrived, but neither jwks nor issuer is configured");
  }
  return verifyJwtPayload(token, keys);
}

/**
 * Verify the signature of a call from ZITADEL, then decode its body (JSON, JWT or JWE, told
 * apart by the body itself) into a typed request, response, function or event payload.
 *
 * `input` is a Fetch `Request` (its body is consumed) or `{ body, headers }` with the raw body.
 * Throws `ReceiverError` with a `reason` when the call is not authentic or not decodable, and a
 * TypeError when the options cannot handle it (no signing key; a JWT without `jwks`/`issuer`; a
 * JWE without `decryptionKeys`).
 *
 * @example
 * ```ts
 * const payload = await readPayload(request, { signingKeys: process.env.ZITADEL_SIGNING_KEY! });
 * if (payload.kind === "event") console.log(payload.event_type, payload.event_payload);
 * ```
 */
async function readPayload(
  input: Request | ReceivedCall,
  options: ReadPayloadOptions,
): Promise<Payload> {
  let body: Uint8Array;
  let headers: HeadersInput;
  if (isFetchRequest(input)) {
    body = new Uint8Array(await input.arrayBuffer());
    headers = input.headers;
  } else {
    body = bodyBytes(input.body);
    headers = input.headers;
  }
  const signature = await verifySignature({
    body,
    header: headers,
    signingKeys: options.signingKeys,
    toleranceSec: options.toleranceSec,
    now: options.now,
  });
  if (!signature.ok) {
    throw new ReceiverError(signature.reason, signatureMessage[signature.reason]);
  }
  const text = utf8Text(body)?.trim();
  if (text === undefined) throw new ReceiverError("payload_invalid", "the body is not UTF-8");
  if (text.startsWith("{")) return toPayload(parseJson(text, "json"), "json");
  if (COMPACT_JWS.test(text)) {
    return toPayload(parseJson(await verifiedJwt(text, options), "jwt"), "jwt");
  }
  if (COMPACT_JWE.test(text)) {
    if (options.decryptionKeys === undefined) {
      throw new TypeError("a JWE payload arrived, but no decryptionKeys are configured");
    }
    const inner = await decryptJwePayload(text, options.decryptionKeys);
    if (!COMPACT_JWS.test(inner)) {
      throw new ReceiverError("jwe_invalid", "the JWE does not contain a signed JWT");
    }
    return toPayload(parseJson(await verifiedJwt(inner, options), "jwe"), "jwe");
  }
  throw new ReceiverError(
    "payload_invalid",
    "the body is neither a JSON object, a compact JWT nor a compact JWE",
  );
}

const signatureMessage = {
  missing: "the call has no ZITADEL-Signature header",
  malformed: "the ZITADEL-Signature header is malformed",
  no_signature: "the ZITADEL-Signature header has no v1 signature",
  expired: "the ZITADEL-Signature timestamp is outside the tolerance",
  mismatch: "the ZITADEL-Signature does not match the body and signing key",
} as const;

export type { ReadPayloadOptions, ReceivedCall };
export { readPayload };
