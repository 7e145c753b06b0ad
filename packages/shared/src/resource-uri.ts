/**
 * One rule, for the Authorization Server and the Resource Server alike, for when two spellings
 * name the same protected resource. The AS keys its registry by the canonical form and writes it
 * into every token's audience; the RS accepts a token when its audience is the same resource as
 * its own URL. Both must agree, or a token one issues is refused by the other.
 */

/** RFC 3986 §2.3 unreserved characters: percent-encoding them changes nothing (§6.2.2.2). */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2.1 and §6.2.2.2: `%7e` and `%7E` and `~` are one character. Escapes of unreserved
 * characters are decoded, every other escape keeps its meaning with upper-case hex digits.
 */
function normalizePercentEncoding(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  });
}

/**
 * The canonical URI of a protected resource (RFC 8707 §2; MCP authorization, "Canonical Server
 * URI"), or undefined when the value cannot name one:
 *
 * - an absolute `http` or `https` URI without a fragment (RFC 8707 §2) and without a user name or
 *   password (they disguise where a URI goes);
 * - scheme and host in lower case, a default port (`:443`, `:80`) dropped, an IPv6 address in its
 *   shortest form (RFC 3986 §6.2.2.1, §6.2.3; the WHATWG URL parser does these);
 * - percent-encoding normalised (RFC 3986 §6.2.2.2), dot segments removed (§6.2.2.3);
 * - the path otherwise kept exactly: its case and a trailing slash identify the resource. Only the
 *   root is spelled one way, without the slash (`https://mcp.example.com`), as the MCP
 *   specification recommends; RFC 3986 §6.2.3 makes an empty path and `/` equivalent;
 * - the query kept as it is (an empty one dropped).
 */
export function canonicalResourceUri(value: string): string | undefined {
  if (value.includes('#')) return undefined;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  if (url.username || url.password) return undefined;
  const path = url.pathname === '/' ? '' : normalizePercentEncoding(url.pathname);
  return `${url.protocol}//${url.host}${path}${normalizePercentEncoding(url.search)}`;
}

/**
 * Whether two URIs name the same protected resource: both have a canonical form and it is the
 * same. A value that is not a resource URI (relative, another scheme, with a fragment) is the
 * same as nothing, so a token whose audience is such a value is never accepted.
 */
export function sameResource(a: string, b: string): boolean {
  const left = canonicalResourceUri(a);
  return left !== undefined && left === canonicalResourceUri(b);
}
