import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Parse `value` as an http(s) URL; refuse plain http to a non-loopback host unless allowed,
 * because whatever credentials travel with it would cross the network in clear text.
 */
function parseSecureUrl(
  field: string,
  value: unknown,
  carriesCredentials: boolean,
  allowInsecure: boolean | undefined,
): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConnectError(
      `${field}: must be an absolute http:// or https:// URL`,
      Code.InvalidArgument,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConnectError(`${field}: must use http:// or https://`, Code.InvalidArgument);
  }
  if (
    url.protocol === "http:" &&
    carriesCredentials &&
    allowInsecure !== true &&
    !isLoopback(url)
  ) {
    throw new ConnectError(
      `${field}: refusing to send credentials over plain http to ${url.host}; use https or set allowInsecure: true`,
      Code.InvalidArgument,
    );
  }
  return url;
}

/** Return whether the URL points at this machine (localhost, 127.0.0.0/8 or ::1). */
function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export { parseSecureUrl };
