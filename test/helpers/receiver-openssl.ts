/**
 * Independent HMAC-SHA256 vectors: computed by the openssl binary, not by our code.
 */
import { execFileSync } from "node:child_process";

/** Return lower-hex HMAC-SHA256 of `data` keyed by the UTF-8 bytes of `key`, via `openssl dgst`. */
export function opensslHmacSha256Hex(key: string, data: string | Uint8Array): string {
  const out = execFileSync("openssl", ["dgst", "-sha256", "-hmac", key], {
    input: typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data),
  }).toString("utf8");
  // Output looks like "SHA2-256(stdin)= <hex>" (or "(stdin)= <hex>" on older builds).
  const hex = out.trim().split(/\s+/).pop() ?? "";
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unexpected openssl output: ${out}`);
  return hex;
}

/** Return a ZITADEL signature header built from openssl MACs: `t=<t>,v1=<hex>[,v1=…]`. */
export function opensslSignatureHeader(
  keys: readonly string[],
  t: number,
  body: string | Uint8Array,
): string {
  const bodyBytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const data = Buffer.concat([Buffer.from(`${t}.`, "utf8"), bodyBytes]);
  return [`t=${t}`, ...keys.map((k) => `v1=${opensslHmacSha256Hex(k, data)}`)].join(",");
}
