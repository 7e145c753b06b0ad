import { isLoopbackHostname } from '@mcp-auth/shared';

/**
 * What this client requires of an authorization server before it sends a person there. Each
 * check returns the sentence to show when the server falls short (what was found, what to do),
 * or undefined; the caller turns it into its error.
 */

/**
 * MCP 2026-07-28 Security Considerations §Authorization Code Protection: clients verify PKCE
 * support in the AS metadata and MUST refuse to proceed when `code_challenge_methods_supported`
 * is absent; and they use `S256` (OAuth 2.1 §4.1.1), so a list without it is refused too.
 */
export function pkceSupportProblem(metadata: unknown, issuer: string): string | undefined {
  const methods = (metadata as { code_challenge_methods_supported?: unknown } | undefined)
    ?.code_challenge_methods_supported;
  if (Array.isArray(methods) && methods.includes('S256')) return undefined;
  const found = Array.isArray(methods)
    ? `lists only ${methods.map((method) => JSON.stringify(method)).join(', ') || 'nothing'}`
    : 'is missing';
  return (
    `the authorization server ${issuer} does not advertise PKCE with S256 (code_challenge_methods_supported ${found} ` +
    'in its metadata), and MCP clients refuse to sign in without it; ask its operator to enable PKCE with S256'
  );
}

/**
 * OAuth 2.1 §1.5 and MCP 2026-07-28 Security Considerations §Communication Security: every
 * authorization server endpoint is served over https; plain http only reaches this machine
 * (a development AS on loopback). The person's password would otherwise cross the network in clear.
 */
export function authorizationUrlProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHostname(url.hostname)) return undefined;
  return (
    `the authorization server sends sign-ins to ${url.protocol}//${url.host}, which is not https; ` +
    'a sign-in page is opened only over https (or plain http on this machine), so ask its operator to serve it over https'
  );
}

/**
 * MCP 2026-07-28 Client Registration §Authorization Server Binding: pre-registered credentials
 * belong to the AS that issued them; when the server names another, the client says so rather
 * than offering them there.
 */
export function preregisteredIssuerProblem(
  clientId: string,
  boundIssuer: string,
  issuer: string,
): string | undefined {
  if (boundIssuer === issuer) return undefined;
  return (
    `the pre-registered client ${JSON.stringify(clientId)} belongs to the authorization server ${boundIssuer}, ` +
    `but this MCP server now names ${issuer}; its credentials are not offered there. ` +
    `Register a client at ${issuer} and pass its --client-id, or run without --client-id to register automatically`
  );
}
