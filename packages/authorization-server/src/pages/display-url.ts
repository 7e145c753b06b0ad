/**
 * How the pages show URLs that clients gave us. People judge an app by where it sends them,
 * and the host is the part that matters; paths and queries only add noise (and room to hide).
 */

/** `host[:port]` of an http(s) URL; undefined for anything else, which is then not shown. */
export function webHost(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  return url.host;
}

/**
 * Where the answer to the authorization request goes: the host for web redirects, the scheme
 * for native apps' private-use URI schemes (RFC 8252 §7.1), and the raw text if it does not parse.
 */
export function redirectTarget(redirectUri: string): string {
  const host = webHost(redirectUri);
  if (host) return host;
  const url = URL.parse(redirectUri);
  return url ? url.protocol : redirectUri;
}
