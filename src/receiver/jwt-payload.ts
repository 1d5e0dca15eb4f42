/**
 * Verification of JWT payloads: a compact JWS whose payload is the same JSON a JSON target gets,
 * signed with the instance web key (no iss/aud/exp claims; the signature header bounds its age).
 *
 * @module
 */
import { compactVerify, type JWTVerifyGetKey } from "jose";
import { utf8Text } from "./bytes.js";
import { ReceiverError } from "./receiver-error.js";

// Asymmetric algorithms only: an instance web key is RSA, EC or Ed25519, never a shared secret.
const JWS_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

// Failures of the JWKS endpoint itself are the receiver's infrastructure problem, not a bad call.
const INFRASTRUCTURE_CODES = new Set(["ERR_JWKS_TIMEOUT", "ERR_JOSE_GENERIC", "ERR_JWKS_INVALID"]);

function joseCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_J") ? code : undefined;
}

/**
 * Verify a compact JWS against the key set and return its payload text.
 * Throws `ReceiverError` `unknown_kid` (no key in the set) or `jwt_invalid`; rethrows JWKS
 * fetch failures unchanged.
 */
async function verifyJwtPayload(token: string, keys: JWTVerifyGetKey): Promise<string> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, keys, { algorithms: JWS_ALGORITHMS }));
  } catch (err) {
    const code = joseCode(err);
    if (code === undefined || INFRASTRUCTURE_CODES.has(code)) throw err;
    if (code === "ERR_JWKS_NO_MATCHING_KEY") {
      throw new ReceiverError("unknown_kid", "no key of the instance JWKS matches the JWT's kid", {
        cause: err,
      });
    }
    throw new ReceiverError("jwt_invalid", "the JWT payload failed verification", { cause: err });
  }
  const text = utf8Text(payload);
  if (text === undefined) throw new ReceiverError("jwt_invalid", "the JWT payload is not UTF-8");
  return text;
}

export { verifyJwtPayload };
