/**
 * Reading header values from Fetch `Headers` or Node-style header records.
 *
 * @module
 */

/** Accept headers as a Fetch `Headers` object or a Node-style record (`IncomingHttpHeaders` fits). */
type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Name the header ZITADEL signs its calls with. */
const SIGNATURE_HEADER = "ZITADEL-Signature";

/** Name the header of ZITADEL's proto comments, which is accepted too. */
const LEGACY_SIGNATURE_HEADER = "X-ZITADEL-Signature";

function isFetchHeaders(headers: HeadersInput): headers is Headers {
  return typeof (headers as Headers).get === "function";
}

/**
 * Return the first value of a header (case-insensitive), or undefined when it is absent.
 */
function headerValue(headers: HeadersInput, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

/**
 * Return the signature header value: `ZITADEL-Signature`, else `X-ZITADEL-Signature`.
 */
function signatureHeaderValue(headers: HeadersInput): string | undefined {
  return headerValue(headers, SIGNATURE_HEADER) ?? headerValue(headers, LEGACY_SIGNATURE_HEADER);
}

export type { HeadersInput };
export { LEGACY_SIGNATURE_HEADER, SIGNATURE_HEADER, signatureHeaderValue };
