/**
 * Resolution of the instance JWKS that verifies JWT payloads, with a process-wide cache of remote sets.
 *
 * @module
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";

/**
 * Locate the instance's public signing keys: a JWKS object, its URL (string or `URL`),
 * or a jose key resolver such as one made by `createRemoteJWKSet`.
 */
type JwksSource = JSONWebKeySet | URL | string | JWTVerifyGetKey;

// One remote resolver per URL for the life of the process: jose caches the fetched keys
// (10 minutes) and refetches on an unknown kid at most every 30 seconds.
const remoteSets = new Map<string, JWTVerifyGetKey>();
const localSets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

function remoteSet(url: URL): JWTVerifyGetKey {
  const href = url.href;
  let set = remoteSets.get(href);
  if (set === undefined) {
    set = createRemoteJWKSet(url);
    remoteSets.set(href, set);
  }
  return set;
}

/**
 * Return the key resolver for `jwks`, else for `<issuer>/oauth/v2/keys`, or undefined when
 * neither is given. Remote sets are created once per URL and reused by later calls.
 */
function resolveJwks(
  jwks: JwksSource | undefined,
  issuer: string | undefined,
): JWTVerifyGetKey | undefined {
  if (jwks === undefined) {
    if (issuer === undefined || issuer === "") return undefined;
    return remoteSet(new URL(`${issuer.replace(/\/+$/, "")}/oauth/v2/keys`));
  }
  if (typeof jwks === "function") return jwks;
  if (typeof jwks === "string" || jwks instanceof URL) return remoteSet(new URL(jwks));
  let set = localSets.get(jwks);
  if (set === undefined) {
    set = createLocalJWKSet(jwks);
    localSets.set(jwks, set);
  }
  return set;
}

export type { JwksSource };
export { resolveJwks };
