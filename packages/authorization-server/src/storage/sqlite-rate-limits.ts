import type { DatabaseSync } from 'node:sqlite';
import {
  fixedWindow,
  type RateLimit,
  type RateLimiter,
  type SharedRateLimits,
} from '../rate-limits/rate-limiter.ts';

/** How long a finished window's row is kept before `purgeExpired` deletes it. */
const KEEP_WINDOWS_MS = 24 * 3600 * 1000;

/**
 * Rate limits in the SQLite file's `rate_limits` table, one row per limiter and key holding its
 * current fixed window: every process on the file (`--workers N`, a second `mcp-auth-as` on the
 * same data folder) counts into the same rows, so they enforce one limit together. Counting is
 * one UPSERT, atomic because SQLite serialises writers.
 */
export function sqliteRateLimits(db: DatabaseSync): SharedRateLimits {
  const statements = {
    consume: db.prepare(
      `INSERT INTO rate_limits (key, window_start, used) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         used = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.used + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING used`,
    ),
    check: db.prepare('SELECT used FROM rate_limits WHERE key = ? AND window_start = ?'),
    purge: db.prepare('DELETE FROM rate_limits WHERE window_start < ?'),
  };
  return {
    limiter(name: string, limit: RateLimit, now: () => number = Date.now): RateLimiter {
      const window = fixedWindow(limit);
      return {
        async consume(key) {
          const at = now();
          const windowStart = window.startOf(at);
          const row = statements.consume.get(`${name}:${key}`, windowStart) as { used: number } | undefined;
          return window.decide(row?.used ?? 1, windowStart, at, 0);
        },
        async check(key) {
          const at = now();
          const windowStart = window.startOf(at);
          const row = statements.check.get(`${name}:${key}`, windowStart) as { used: number } | undefined;
          return window.decide(row?.used ?? 0, windowStart, at, 1);
        },
      };
    },
    async purgeExpired(now = Date.now()) {
      return Number(statements.purge.run(now - KEEP_WINDOWS_MS).changes);
    },
  };
}
