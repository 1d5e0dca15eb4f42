import { Code, ConnectError } from "@connectrpc/connect";
import { type CryptoKey, importPKCS8 } from "jose";

/**
 * A ZITADEL service-account key file, as downloaded when adding a key to a service user.
 */
interface ServiceAccountKeyFile {
  /** Always `"serviceaccount"` (an application key file says `"application"`). */
  type: "serviceaccount";
  /** The key's id; sent as `kid` in the assertion header. */
  keyId: string;
  /** The RSA private key, PEM (PKCS#1 `RSA PRIVATE KEY` as ZITADEL writes it, or PKCS#8). */
  key: string;
  /** The service user's id; the assertion's `iss` and `sub`. */
  userId: string;
  /** When the key expires, as written by ZITADEL; not used. */
  expirationDate?: string;
}

/** The parts of a key file the JWT profile needs. */
interface ParsedServiceAccountKey {
  keyId: string;
  userId: string;
  pem: string;
}

const pemPattern =
  /-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END \1?PRIVATE KEY-----/;

/**
 * Check a service-account key file (object or JSON text) and return its parts.
 *
 * Messages name the field and the rule; they never quote the file, which holds a private key.
 */
function parseServiceAccountKey(input: unknown, field = "key"): ParsedServiceAccountKey {
  let file: unknown = input;
  if (typeof input === "string") {
    try {
      file = JSON.parse(input);
    } catch {
      throw new ConnectError(
        `${field}: not valid JSON; pass the service-account key file's text or its parsed object`,
        Code.InvalidArgument,
      );
    }
  }
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    throw new ConnectError(
      `${field}: must be a service-account key file (an object or its JSON text)`,
      Code.InvalidArgument,
    );
  }
  const f = file as Record<string, unknown>;
  if (f.type === "application" || "appId" in f || "clientId" in f) {
    throw new ConnectError(
      `${field}: this is an application key file (type "application", with appId/clientId), not a service-account key; ` +
        `create a key for a service user (Users → Service Users → Keys, type JSON) and pass that file`,
      Code.InvalidArgument,
    );
  }
  if (f.type !== "serviceaccount") {
    throw new ConnectError(
      `${field}.type: must be "serviceaccount" (a ZITADEL service-account key file)`,
      Code.InvalidArgument,
    );
  }
  for (const name of ["keyId", "userId", "key"] as const) {
    if (typeof f[name] !== "string" || f[name] === "") {
      throw new ConnectError(`${field}.${name}: must be a non-empty string`, Code.InvalidArgument);
    }
  }
  const pem = f.key as string;
  if (!pemPattern.test(pem)) {
    throw new ConnectError(
      `${field}.key: must be a PEM RSA private key ("BEGIN RSA PRIVATE KEY" or "BEGIN PRIVATE KEY")`,
      Code.InvalidArgument,
    );
  }
  return { keyId: f.keyId as string, userId: f.userId as string, pem };
}

/** Import the key file's private key for RS256 signing (PKCS#1 is rewrapped as PKCS#8 first). */
async function importServiceAccountKey(pem: string, field = "key"): Promise<CryptoKey> {
  const match = pemPattern.exec(pem);
  try {
    if (!match) throw new Error("not PEM");
    const der = base64Decode(match[2]!.replace(/\s+/g, ""));
    const pkcs8 = match[1] === undefined ? der : pkcs1ToPkcs8(der);
    const pkcs8Pem = `-----BEGIN PRIVATE KEY-----\n${base64Encode(pkcs8)}\n-----END PRIVATE KEY-----`;
    return await importPKCS8(pkcs8Pem, "RS256");
  } catch {
    throw new ConnectError(
      `${field}.key: could not be imported as an RSA private key`,
      Code.InvalidArgument,
    );
  }
}

/** The AlgorithmIdentifier of rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters). */
const rsaAlgorithmIdentifier = [
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/** Wrap a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo, so WebCrypto can import it. */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const version = [0x02, 0x01, 0x00];
  const octetString = [0x04, ...derLength(pkcs1.length)];
  const contentLength =
    version.length + rsaAlgorithmIdentifier.length + octetString.length + pkcs1.length;
  const head = [
    0x30,
    ...derLength(contentLength),
    ...version,
    ...rsaAlgorithmIdentifier,
    ...octetString,
  ];
  const out = new Uint8Array(head.length + pkcs1.length);
  out.set(head, 0);
  out.set(pkcs1, head.length);
  return out;
}

/** Encode a DER length: short form below 128, long form (0x80 | byte count, big-endian) above. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function base64Decode(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function base64Encode(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return (btoa(binary).match(/.{1,64}/g) ?? []).join("\n");
}

export type { ParsedServiceAccountKey, ServiceAccountKeyFile };
export { derLength, importServiceAccountKey, parseServiceAccountKey, pkcs1ToPkcs8 };
