/**
 * The error thrown when a call to a target cannot be trusted or decoded.
 *
 * @module
 */

/** Name why a signature header was refused (the `reason` of a failed `verifySignature`). */
type SignatureFailureReason = "missing" | "malformed" | "no_signature" | "expired" | "mismatch";

/** Name why `readPayload` refused a call: a signature reason or a decoding reason. */
type ReceiverErrorReason =
  | SignatureFailureReason
  | "jwt_invalid"
  | "jwe_invalid"
  | "unknown_kid"
  | "payload_invalid";

const signatureReasons: ReadonlySet<string> = new Set([
  "missing",
  "malformed",
  "no_signature",
  "expired",
  "mismatch",
]);

/**
 * Signals that an incoming call is not authentic or cannot be decoded; `reason` says which check failed.
 * Messages are fixed texts of ours and never contain signing keys, private keys or the body.
 */
class ReceiverError extends Error {
  /** The failed check. */
  readonly reason: ReceiverErrorReason;

  /** Create an error for `reason`; `cause` keeps the underlying (jose or JSON) error. */
  constructor(reason: ReceiverErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReceiverError";
    this.reason = reason;
  }

  /** Recognize a ReceiverError even when two copies of this package are loaded. */
  static override [Symbol.hasInstance](value: unknown): value is ReceiverError {
    if (typeof value !== "object" || value === null) return false;
    if (Function.prototype[Symbol.hasInstance].call(ReceiverError, value)) return true;
    const v = value as { name?: unknown; reason?: unknown };
    return v.name === "ReceiverError" && typeof v.reason === "string";
  }
}

/**
 * Return the HTTP status an adapter answers with: 401 for signature failures, 400 for the rest.
 */
function receiverErrorStatus(reason: ReceiverErrorReason): 400 | 401 {
  return signatureReasons.has(reason) ? 401 : 400;
}

export type { ReceiverErrorReason, SignatureFailureReason };
export { ReceiverError, receiverErrorStatus };
