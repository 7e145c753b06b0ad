/**
 * Fixed-window rate limiting keyed by a string (an IP address, or a username). A limiter is kept
 * in memory for one process (memory-rate-limiter.ts), or in a store every instance shares (the
 * SQLite file's or PostgreSQL's table), behind the same interface.
 */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Seconds until the caller may try again, for `Retry-After` (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds: number;
  /** Events counted for the key in the current window (after this one, for `consume`). */
  readonly used: number;
}

export interface RateLimiter {
  /** Counts one event for `key` and says whether it was within the limit. */
  consume(key: string): Promise<RateLimitDecision>;
  /** Says whether one more event would be within the limit, without counting anything. */
  check(key: string): Promise<RateLimitDecision>;
}

export interface RateLimit {
  readonly points: number;
  readonly windowSeconds: number;
}

/** Makes a named limiter (DCR, sign-in throttling), shared or per process. */
export type RateLimiterFactory = (name: string, limit: RateLimit) => RateLimiter;

/**
 * Rate limits every instance on one storage backend shares, so several AS instances behind a
 * load balancer enforce one limit together. The store keeps a row per key and window, so it
 * purges the windows that ended long ago itself.
 */
export interface SharedRateLimits {
  /** A limiter whose windows follow `now` (epoch milliseconds). */
  limiter(name: string, limit: RateLimit, now?: () => number): RateLimiter;
  /** Deletes windows that ended more than a day before `now` (epoch milliseconds); returns how many. */
  purgeExpired(now?: number): Promise<number>;
}

/**
 * The arithmetic of a stored fixed window, shared by the stores that keep one row per key: the
 * window an instant falls in, and the decision for a count in it.
 */
export function fixedWindow(limit: RateLimit) {
  const windowMs = limit.windowSeconds * 1000;
  return {
    /** The start (epoch ms) of the window `at` falls in. */
    startOf: (at: number): number => Math.floor(at / windowMs) * windowMs,
    /** `used` events counted in the window starting at `windowStart`, `extra` more to come. */
    decide(used: number, windowStart: number, at: number, extra: number): RateLimitDecision {
      const allowed = used + extra <= limit.points;
      return {
        allowed,
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000)),
        used,
      };
    },
  };
}
