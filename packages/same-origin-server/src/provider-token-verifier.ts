import type { RunningAuthorizationServer } from '@mcp-auth/authorization-server';
import { InvalidTokenError, type TokenVerifier } from '@mcp-auth/resource-server';

/**
 * In the combined server the AS and the MCP server share a process, so a token is looked up in
 * the AS's own store instead of introspected over HTTP. The checks are the same: the token must
 * exist, be unexpired and unrevoked; audience and scopes are checked by the MCP endpoint. Nothing
 * is cached: the store is in this process, and a revocation counts from the next request.
 */
export function providerTokenVerifier(
  provider: RunningAuthorizationServer['provider'],
  issuer: string,
): TokenVerifier {
  return {
    kind: 'introspection',
    async verifyAccessToken(token) {
      const accessToken = await provider.AccessToken.find(token);
      if (!accessToken || accessToken.isExpired)
        throw new InvalidTokenError('the access token is not active');
      const audience = (accessToken as unknown as { aud?: string | string[] }).aud;
      const username = (accessToken.extra as { username?: string } | undefined)?.username;
      return {
        token,
        clientId: accessToken.clientId ?? '',
        scopes: (accessToken.scope ?? '').split(' ').filter(Boolean),
        expiresAt: accessToken.exp ?? 0,
        extra: {
          subject: accessToken.accountId,
          username,
          audience: audience === undefined ? [] : [audience].flat(),
          issuer,
        },
      };
    },
  };
}
