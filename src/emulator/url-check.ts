/**
 * Report whether an endpoint would be accepted by Go's `net/url.Parse`, which is all ZITADEL checks
 * when a target is created (no scheme or host allow-list at that point).
 */
function parsesAsGoUrl(raw: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what Go rejects
  if (/[\u0000-\u001f\u007f]/.test(raw)) return false;
  const hashAt = raw.indexOf("#");
  const beforeFragment = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  const fragment = hashAt >= 0 ? raw.slice(hashAt + 1) : "";
  if (!validEscapes(fragment)) return false;
  const queryAt = beforeFragment.indexOf("?");
  let rest = queryAt >= 0 ? beforeFragment.slice(0, queryAt) : beforeFragment;
  // Scheme: letters first, then letters, digits, "+", "-", "."; a leading ":" is an error.
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(":")) return false;
  if (schemeMatch !== null) rest = rest.slice(schemeMatch[0].length);
  if (rest.startsWith("//")) {
    const authorityEnd = rest.indexOf("/", 2);
    const authority = authorityEnd >= 0 ? rest.slice(2, authorityEnd) : rest.slice(2);
    rest = authorityEnd >= 0 ? rest.slice(authorityEnd) : "";
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    if (!validHost(host)) return false;
  } else if (schemeMatch === null) {
    // A relative reference whose first segment holds a colon is rejected by Go.
    const firstSegment = rest.split("/", 1)[0] ?? "";
    if (firstSegment.includes(":")) return false;
  }
  return validEscapes(rest);
}

function validEscapes(part: string): boolean {
  for (let i = part.indexOf("%"); i >= 0; i = part.indexOf("%", i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(part.slice(i + 1, i + 3))) return false;
  }
  return true;
}

function validHost(host: string): boolean {
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close < 0) return false;
    const after = host.slice(close + 1);
    return after === "" || /^:\d*$/.test(after);
  }
  const colon = host.lastIndexOf(":");
  const name = colon >= 0 ? host.slice(0, colon) : host;
  const port = colon >= 0 ? host.slice(colon + 1) : "";
  if (!/^\d*$/.test(port)) return false;
  if (/[\s<>"`{}|\\^]/.test(name)) return false;
  return validEscapes(name);
}

export { parsesAsGoUrl };
