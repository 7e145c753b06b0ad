import { createHash } from 'node:crypto';
import { ExpiringLruCache } from '@mcp-auth/shared';
import type { TokenCacheStats, VerifiedAuthInfo, VerifiedToken } from './verified-token.ts';

export interface TokenCacheOptions {
  /** The longest one answer is reused, in milliseconds; 0 remembers nothing. */
  readonly maxAgeMs: number;
  /** Answers remembered at most; the least recently used goes first. */
  readonly maxEntries: number;
  /** The clock, in epoch milliseconds. */
  readonly now: () => number;
}

/**
 * The one cache in front of every verifier. A client sends the same token with every request
 * until it expires, and each check costs an HTTP round trip (introspection) or a signature
 * verification (JWT: an eighth of the server's CPU, docs/PERFORMANCE.md). The rules:
 * - keyed by the token's SHA-256, and the token is not kept in the value either, so a memory dump
 *   holds no usable token;
 * - an answer lives until the token's `exp` and at most `maxAgeMs` (how long revocation may go
 *   unnoticed, or how long the key set is trusted);
 * - a refusal is never remembered: a bad token is checked again every time.
 */
export function cacheVerifiedTokens(
  check: (token: string) => Promise<VerifiedToken>,
  options: TokenCacheOptions,
): {
  verifyAccessToken(token: string): Promise<VerifiedAuthInfo>;
  cacheStats(): TokenCacheStats;
  /** Forgets every answer, for a verifier that learns of revocations as they happen. */
  forgetAll(): void;
} {
  const cache = new ExpiringLruCache<VerifiedToken>(options.maxEntries, options.now);
  let hits = 0;
  let misses = 0;
  return {
    async verifyAccessToken(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const cached = cache.get(key);
      if (cached) {
        hits += 1;
        return { token, ...cached };
      }
      misses += 1;
      const verified = await check(token);
      const now = options.now();
      cache.set(key, verified, Math.min(verified.expiresAt * 1000, now + options.maxAgeMs));
      return { token, ...verified };
    },
    cacheStats: () => ({ hits, misses }),
    forgetAll: () => cache.clear(),
  };
}
