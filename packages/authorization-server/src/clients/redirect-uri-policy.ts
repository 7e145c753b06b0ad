import { LOOPBACK_HOST_NAMES } from '@mcp-auth/shared';

/** RFC 8252 §7.1: a private-use scheme is a domain the app's publisher owns, reversed (com.example.app). */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+$/;

const RULE =
  'use https, http on a loopback address (127.0.0.1, [::1] or localhost, any port), or for a native app ' +
  'a private-use scheme named after a domain it owns, like com.example.app:/callback (OAuth 2.1 §2.3.1, RFC 8252 §7)';

/**
 * Why a redirect URI may not be registered, or undefined when it may. One rule for dynamic
 * registration, Client ID Metadata Documents and `mcp-auth-as clients add`:
 *
 * - OAuth 2.1 §2.3.1 / RFC 8252 §8.4: `https`; plain `http` only to a loopback address, where the
 *   code never crosses a network (any port, RFC 8252 §7.3); a private-use scheme named after a
 *   domain (RFC 8252 §7.1). Everything else (`http` to another host, `javascript:`, `data:`,
 *   `file:`, a bare `myapp:`) is refused.
 * - RFC 6749 §3.1.2: no fragment.
 * - No userinfo: `https://app.example@evil.example/` goes to evil.example while reading like
 *   app.example, a classic phishing disguise; no legitimate redirect URI needs one.
 *
 * Descriptions start with `redirect_uris` so that oidc-provider's InvalidClientMetadata answers
 * with RFC 7591 §3.2.2 `invalid_redirect_uri`.
 */
export function redirectUriProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'redirect_uris must only contain strings';
  const quoted = JSON.stringify(value);
  if (value.includes('#'))
    return `redirect_uris: ${quoted} has a fragment, which a redirect URI must not have (RFC 6749 §3.1.2)`;
  const url = URL.parse(value);
  if (!url) return `redirect_uris: ${quoted} is not an absolute URI; ${RULE}`;
  if (url.username || url.password) {
    return `redirect_uris: ${quoted} has a user name or password before the host, which disguises where it goes; remove it`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return undefined;
  if (scheme === 'http') {
    return LOOPBACK_HOST_NAMES.has(url.hostname)
      ? undefined
      : `redirect_uris: ${quoted} uses plain http to a host that is not loopback, so the code would cross the network unencrypted; ${RULE}`;
  }
  if (REVERSE_DOMAIN_SCHEME.test(scheme)) return undefined;
  return `redirect_uris: ${quoted} uses the scheme "${scheme}:"; ${RULE}`;
}

/** The first problem among a client's redirect URIs, when `uris` is a list. */
export function redirectUrisProblem(uris: unknown): string | undefined {
  if (!Array.isArray(uris)) return undefined; // oidc-provider's schema reports a non-array itself
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return problem;
  }
  return undefined;
}
