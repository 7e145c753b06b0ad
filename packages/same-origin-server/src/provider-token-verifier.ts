import type { RunningAuthorizationServer } from '@mcp-auth/authorization-server';
import {
  cacheVerifiedTokens,
  InvalidTokenError,
  type TokenVerifier,
  type VerifiedToken,
} from '@mcp-auth/resource-server';

/** How long one lookup's answer is reused (revocations in this process clear it at once). */
const CACHE_MAX_AGE_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * oidc-provider events after which a remembered answer may be wrong: an access token destroyed
 * (RFC 7009 revocation) or a whole grant revoked (refresh-token reuse, code replay, revocation of
 * a refresh token). They are rare, so the whole cache is forgotten.
 */
const REVOCATION_EVENTS = ['access_token.destroyed', 'grant.revoked'] as const;

/**
 * In the same-origin server the AS and the MCP server share a process, so a token is looked up in
 * the AS's own store instead of introspected over HTTP. The checks are the same: the token must
 * exist, be unexpired and unrevoked; audience and scopes are checked by the MCP endpoint. The
 * answers go through the resource server's one token cache (keyed by the token's hash, never
 * past `exp`); since revocation happens in this very process, the cache is cleared the moment
 * it does, so a revoked token is refused from the next request, as without a cache.
 */
export function providerTokenVerifier(
  provider: RunningAuthorizationServer['provider'],
  issuer: string,
  now: () => number = Date.now,
): TokenVerifier {
  async function lookUp(token: string): Promise<VerifiedToken> {
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired) throw new InvalidTokenError('the access token is not active');
    const audience = (accessToken as unknown as { aud?: string | string[] }).aud;
    const username = (accessToken.extra as { username?: string } | undefined)?.username;
    // RFC 9449 §6: the key a DPoP-bound token is bound to (oidc-provider keeps its thumbprint).
    const jkt = (accessToken as unknown as { jkt?: unknown }).jkt;
    return {
      ...(typeof jkt === 'string' && jkt ? { boundKeyThumbprint: jkt } : {}),
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
  }
  const cached = cacheVerifiedTokens(lookUp, {
    maxAgeMs: CACHE_MAX_AGE_MS,
    maxEntries: CACHE_MAX_ENTRIES,
    now,
  });
  for (const event of REVOCATION_EVENTS) {
    provider.on(event as 'grant.revoked', () => cached.forgetAll());
  }
  return {
    kind: 'introspection',
    verifyAccessToken: cached.verifyAccessToken,
    cacheStats: cached.cacheStats,
  };
}
