import { LOOPBACK_HOST_NAMES } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { clientSecretMatches } from '../clients/client-secret.ts';

/** The URI without its port when it is an http(s) loopback URI, else undefined. */
export function loopbackWithoutPort(value: string): string | undefined {
  const url = URL.parse(value);
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    !LOOPBACK_HOST_NAMES.has(url.hostname)
  ) {
    return undefined;
  }
  url.port = '';
  return url.href;
}

/**
 * Two behaviours of oidc-provider's Client class that this AS changes, in one place:
 *
 * - RFC 8252 §7.3 (and MCP 2026-07-28 Security Considerations §Open Redirection): a loopback redirect URI matches whatever port the client
 *   listens on right now. oidc-provider grants that only to `application_type: native`; MCP
 *   clients often register without it, and a loopback redirect is a native app by definition.
 *   Scheme, host (`localhost` is not `127.0.0.1`), path and query must still match exactly.
 * - Client secrets are stored hashed (clients/client-secret.ts), so the secret a client
 *   presents is hashed and compared in constant time instead of compared in clear.
 */
export function patchClientBehaviour(provider: Provider): void {
  const prototype = provider.Client.prototype as unknown as {
    redirectUriAllowed(this: { redirectUris: string[] }, value: string): boolean;
    compareClientSecret(this: { clientSecret?: string }, actual: string): boolean;
  };
  const exactRedirectUriAllowed = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    if (exactRedirectUriAllowed.call(this, value)) return true;
    const presented = loopbackWithoutPort(value);
    return presented !== undefined && this.redirectUris.some((uri) => loopbackWithoutPort(uri) === presented);
  };
  prototype.compareClientSecret = function compareClientSecret(actual) {
    return typeof this.clientSecret === 'string' && clientSecretMatches(this.clientSecret, actual);
  };
}
