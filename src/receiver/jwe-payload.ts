/**
 * Decryption of JWE payloads: the JWT payload encrypted to the target's active public key with
 * RSA-OAEP-256 or ECDH-ES+A256KW and A256GCM; the header's `kid` names the key.
 *
 * @module
 */
import {
  type CompactJWEHeaderParameters,
  type CryptoKey,
  compactDecrypt,
  decodeProtectedHeader,
  importPKCS8,
} from "jose";
import { utf8Text } from "./bytes.js";
import { ReceiverError } from "./receiver-error.js";

/** Map the `kid` of a target public key to its private key: PKCS#8 PEM text or a `CryptoKey`. */
type DecryptionKeys = Readonly<Record<string, string | CryptoKey>>;

const KEY_ALGORITHMS = ["RSA-OAEP-256", "ECDH-ES+A256KW"];
const CONTENT_ALGORITHMS = ["A256GCM"];
const IMPORT_CACHE_LIMIT = 64;

// Imported PEM keys by "<alg>\n<pem>", so a busy endpoint parses each key once.
const importedKeys = new Map<string, Promise<CryptoKey>>();

function importPem(pem: string, alg: string): Promise<CryptoKey> {
  const cacheKey = `${alg}\n${pem}`;
  let key = importedKeys.get(cacheKey);
  if (key === undefined) {
    key = importPKCS8(pem, alg).catch((cause: unknown) => {
      importedKeys.delete(cacheKey);
      throw new TypeError(
        `a decryptionKeys entry is not a PKCS#8 PEM private key usable with ${alg} ` +
          "(convert with: openssl pkcs8 -topk8 -nocrypt)",
        { cause },
      );
    });
    if (importedKeys.size >= IMPORT_CACHE_LIMIT) {
      importedKeys.delete(importedKeys.keys().next().value!);
    }
    importedKeys.set(cacheKey, key);
  }
  return key;
}

function jweInvalid(message: string, cause?: unknown): ReceiverError {
  return new ReceiverError("jwe_invalid", message, cause === undefined ? undefined : { cause });
}

/**
 * Decrypt a compact JWE with the private key named by its `kid` and return the inner token text.
 * Throws `ReceiverError` `unknown_kid` or `jwe_invalid`; a PEM that cannot be imported is a
 * configuration error and throws a TypeError.
 */
async function decryptJwePayload(token: string, keys: DecryptionKeys): Promise<string> {
  let header: CompactJWEHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as CompactJWEHeaderParameters;
  } catch (cause) {
    throw jweInvalid("the JWE protected header cannot be decoded", cause);
  }
  const alg = header.alg;
  if (typeof alg !== "string" || !KEY_ALGORITHMS.includes(alg)) {
    throw jweInvalid(`the JWE alg must be one of ${KEY_ALGORITHMS.join(", ")}`);
  }
  if (typeof header.enc !== "string" || !CONTENT_ALGORITHMS.includes(header.enc)) {
    throw jweInvalid(`the JWE enc must be ${CONTENT_ALGORITHMS.join(", ")}`);
  }
  const kid = header.kid;
  if (typeof kid !== "string" || !Object.hasOwn(keys, kid)) {
    throw new ReceiverError(
      "unknown_kid",
      typeof kid === "string"
        ? "the JWE kid names no configured decryption key"
        : "the JWE header has no kid",
    );
  }
  const configured = keys[kid]!;
  const key = typeof configured === "string" ? await importPem(configured, alg) : configured;
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(token, key, {
      keyManagementAlgorithms: KEY_ALGORITHMS,
      contentEncryptionAlgorithms: CONTENT_ALGORITHMS,
    }));
  } catch (cause) {
    throw jweInvalid("the JWE payload cannot be decrypted with the key of its kid", cause);
  }
  const text = utf8Text(plaintext);
  if (text === undefined) throw jweInvalid("the decrypted JWE content is not UTF-8");
  return text.trim();
}

export type { DecryptionKeys };
export { decryptJwePayload };
