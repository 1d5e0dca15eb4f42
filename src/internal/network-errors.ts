import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** Node and OpenSSL error codes that mean "TLS to a server that does not speak TLS". */
const notTls = new Set([
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_PACKET_LENGTH_TOO_LONG",
  "ERR_SSL_HTTP_REQUEST",
  "EPROTO",
]);
/** Codes of a certificate chain that does not lead to a trusted CA. */
const untrusted = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);
const clientCertRequired = new Set([
  "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
]);

/**
 * Explain connection failures in words (plain HTTP behind an `https://` URL, an untrusted or
 * expired certificate, a missing client certificate, a proxy refusal), keeping the code, the
 * original error as `cause`, and never a header or credential.
 */
function createNetworkErrorInterceptor(): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      const explained = explain(e, new URL(req.url));
      throw explained ?? e;
    }
  };
}

function explain(reason: unknown, url: URL): ConnectError | undefined {
  const codes = errorCodes(reason);
  const original = ConnectError.from(reason);
  const make = (message: string) => {
    const error = new ConnectError(message, original.code, original.metadata, undefined, reason);
    error.details = original.details;
    return error;
  };
  const host = url.host;
  const tlsCode = codes.find((c) => untrusted.has(c));
  if (tlsCode !== undefined) {
    return make(
      `the TLS certificate of ${host} is not trusted (${tlsCode}): if ZITADEL uses a private CA, pass its certificate as nodeOptions.ca`,
    );
  }
  if (codes.includes("CERT_HAS_EXPIRED")) {
    return make(`the TLS certificate of ${host} has expired (CERT_HAS_EXPIRED)`);
  }
  if (codes.includes("ERR_TLS_CERT_ALTNAME_INVALID")) {
    return make(
      `the TLS certificate of ${host} is not valid for the name "${url.hostname}" (ERR_TLS_CERT_ALTNAME_INVALID): connect by a name the certificate lists, or set nodeOptions.servername`,
    );
  }
  const mtls = codes.find((c) => clientCertRequired.has(c));
  if (mtls !== undefined) {
    return make(
      `${host} refused the TLS handshake (${mtls}): it may require a client certificate; pass nodeOptions.cert and nodeOptions.key`,
    );
  }
  const plain = codes.find((c) => notTls.has(c));
  if (plain !== undefined && url.protocol === "https:") {
    return make(
      `${host} does not answer TLS (${plain}): the base URL says https://, but the server looks like plain HTTP; use http:// for a cleartext server, or check the port`,
    );
  }
  if (codes.includes("ERR_PROXY_TUNNEL")) {
    const tunnel = findError(reason, "ERR_PROXY_TUNNEL");
    return new ConnectError(
      tunnel?.message ?? "proxy tunnel failed",
      Code.Unavailable,
      original.metadata,
      undefined,
      reason,
    );
  }
  return undefined;
}

function errorCodes(reason: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = reason;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function findError(reason: unknown, code: string): Error | undefined {
  const seen = new Set<unknown>();
  let current: unknown = reason;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    if ((current as { code?: unknown }).code === code) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export { createNetworkErrorInterceptor };
