import { memoryRateLimiter } from './memory-rate-limiter.ts';
import type { RateLimiterFactory, SharedRateLimits } from './rate-limiter.ts';

/**
 * The AS's limiters: shared by every process on the storage backend when it can share
 * them (SQLite and PostgreSQL do), else per process. `clock` (epoch ms) is what their windows follow; tests move it.
 */
export function rateLimiterFactory(
  shared: SharedRateLimits | undefined,
  clock: () => number,
): RateLimiterFactory {
  return (name, limit) => shared?.limiter(name, limit, clock) ?? memoryRateLimiter(limit, clock);
}
