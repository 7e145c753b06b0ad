import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/client';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';

/**
 * Forgets this server's tokens and, best effort, revokes the refresh token at the AS (RFC 7009)
 * so a copy of it elsewhere stops working too. The registration is kept for the next sign-in.
 */
export async function logout(provider: FileOAuthProvider): Promise<string> {
  const saved = await provider.forgetTokens();
  if (!saved) return 'Not signed in; nothing to forget.';
  const refreshToken = saved.tokens.refresh_token;
  let revoked = false;
  if (refreshToken) {
    try {
      const metadata = await discoverAuthorizationServerMetadata(saved.issuer);
      const client = await provider.clientInformation({ issuer: saved.issuer });
      const endpoint = (metadata as { revocation_endpoint?: string } | undefined)?.revocation_endpoint;
      if (endpoint && client?.client_id) {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            token: refreshToken,
            token_type_hint: 'refresh_token',
            client_id: client.client_id,
          }),
          signal: AbortSignal.timeout(5000),
        });
        revoked = response.ok;
      }
    } catch {
      // The local copy is gone either way; revocation is a courtesy when the AS is reachable.
    }
  }
  return `Signed out of ${saved.issuer}${revoked ? ' (refresh token revoked)' : ''}.`;
}
