import { ExpiringLruCache } from '@mcp-auth/shared';
import { PROOF_MAX_AGE_SECONDS, PROOF_MAX_SKEW_SECONDS } from './dpop-proof.ts';

/** Proofs remembered at most; past it the least recently seen is forgotten first. */
export const DEFAULT_DPOP_REPLAY_CACHE_SIZE = 100_000;

/**
 * RFC 9449 §11.1: a proof is used once. Each accepted proof's `jti` is remembered, per key, while
 * its `iat` could still pass the time check, so a replayed proof is refused. Bounded in memory
 * (an LRU): only callers whose token and proof already verified can add entries.
 */
export class DpopReplayCache {
  readonly #seen: ExpiringLruCache<true>;

  constructor(maxEntries = DEFAULT_DPOP_REPLAY_CACHE_SIZE, now: () => number = Date.now) {
    this.#seen = new ExpiringLruCache(maxEntries, now);
  }

  /** True the first time a proof is seen; false for a replay. */
  claim(thumbprint: string, jti: string, iat: number): boolean {
    const key = `${thumbprint}.${jti}`;
    if (this.#seen.get(key)) return false;
    // Past this instant the proof's iat no longer passes, so forgetting it is safe.
    this.#seen.set(key, true, (iat + PROOF_MAX_AGE_SECONDS + PROOF_MAX_SKEW_SECONDS) * 1000);
    return true;
  }
}
