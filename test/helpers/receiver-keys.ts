/**
 * Test keys and a real JWKS server: the "instance" web key that signs JWT payloads (served as
 * JWKS over HTTP on 127.0.0.1), and target key pairs for JWE payloads.
 */
import { createServer, type Server } from "node:http";
import {
  CompactEncrypt,
  CompactSign,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  type JSONWebKeySet,
} from "jose";
import { listenLoopback } from "./loopback.js";

/** A signing key pair of the emulated instance with its public JWKS. */
export interface InstanceKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  jwks: JSONWebKeySet;
}

/** Create an instance signing key (RS256 like ZITADEL's default web key, or ES256). */
export async function createInstanceKey(
  kid: string,
  alg: "RS256" | "ES256" = "RS256",
): Promise<InstanceKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, jwks: { keys: [jwk] } };
}

/** Sign JSON text as ZITADEL does for PAYLOAD_TYPE_JWT: the JSON verbatim as JWS payload. */
export async function signJwt(key: InstanceKey, json: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(json))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

/** A target key pair for JWE payloads. */
export interface TargetKey {
  kid: string;
  alg: "RSA-OAEP-256" | "ECDH-ES+A256KW";
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  privatePem: string;
}

/** Create a target key pair and its PKCS#8 PEM private key. */
export async function createTargetKey(
  kid: string,
  alg: "RSA-OAEP-256" | "ECDH-ES+A256KW",
): Promise<TargetKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "ECDH-ES+A256KW" ? { crv: "P-256" } : {}),
  });
  return { kid, alg, publicKey, privateKey, privatePem: await exportPKCS8(privateKey) };
}

/** Encrypt a compact JWT as ZITADEL does for PAYLOAD_TYPE_JWE. */
export async function encryptJwe(key: TargetKey, jwt: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(jwt))
    .setProtectedHeader({ alg: key.alg, enc: "A256GCM", kid: key.kid, typ: "JWT", cty: "JWT" })
    .encrypt(key.publicKey);
}

/** A real HTTP server on 127.0.0.1 serving a JWKS at `/oauth/v2/keys`, counting fetches. */
export interface JwksServer {
  issuer: string;
  jwksUrl: string;
  fetches(): number;
  setJwks(jwks: JSONWebKeySet): void;
  close(): Promise<void>;
}

/** Start a JWKS server on an ephemeral port. */
export async function startJwksServer(initial: JSONWebKeySet): Promise<JwksServer> {
  let jwks = initial;
  let count = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/oauth/v2/keys") {
      count++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(jwks));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const { baseUrl: issuer, close } = await listenLoopback(server);
  return {
    issuer,
    jwksUrl: `${issuer}/oauth/v2/keys`,
    fetches: () => count,
    setJwks: (next) => {
      jwks = next;
    },
    close,
  };
}
