import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { ServiceAccountKeyFile } from "../../src/auth.js";

/** A service-account key file shaped like ZITADEL's download, plus its public key. */
export interface TestServiceAccountKey {
  file: ServiceAccountKeyFile;
  publicKeyPem: string;
}

/** Create a fresh RSA key and wrap it in a ZITADEL-style service-account key file (PKCS#1 PEM). */
export function createServiceAccountKeyFile(
  options: { userId?: string; keyId?: string; format?: "pkcs1" | "pkcs8" } = {},
): TestServiceAccountKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file: ServiceAccountKeyFile = {
    type: "serviceaccount",
    keyId: options.keyId ?? `${Date.now()}${randomBytes(3).readUIntBE(0, 3)}`,
    key: privateKey.export({ type: options.format ?? "pkcs1", format: "pem" }).toString(),
    userId: options.userId ?? `${Date.now()}${randomBytes(3).readUIntBE(0, 3)}`,
    expirationDate: "9999-12-31T23:59:59Z",
  };
  return { file, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** Create an application key file (what ZITADEL gives for API/OIDC apps), which must be refused. */
export function createApplicationKeyFile(): Record<string, string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    type: "application",
    keyId: "290000000000000001",
    key: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    appId: "290000000000000002",
    clientId: "290000000000000003@project",
  };
}
