import type { Pool } from 'pg';
import {
  fixedWindow,
  type RateLimit,
  type RateLimiter,
  type SharedRateLimits,
} from '../../rate-limits/rate-limiter.ts';

/** How long a finished window's row is kept before `purgeExpired` deletes it. */
const KEEP_WINDOWS_MS = 24 * 3600 * 1000;

/**
 * Rate limits in PostgreSQL's `rate_limits` table (one row per key, holding its current window),
 * shared by every AS instance on the database. Rows of windows that ended a day ago or more are
 * dead: `purgeExpired` deletes them, on the same schedule as the expired artifacts.
 */
export function postgresRateLimits(pool: Pool, table: string): SharedRateLimits {
  return {
    limiter: (name, limit, now) => postgresRateLimiter(pool, table, name, limit, now),
    async purgeExpired(now = Date.now()) {
      const deleted = await pool.query(`DELETE FROM ${table} WHERE window_start < $1`, [
        now - KEEP_WINDOWS_MS,
      ]);
      return deleted.rowCount ?? 0;
    },
  };
}

/**
 * A fixed-window rate limiter in PostgreSQL, so several AS instances enforce one limit
 * together. One atomic UPSERT counts an event: it starts a new window or adds to the current
 * one. Keys are namespaced by the limiter's name.
 */
function postgresRateLimiter(
  pool: Pool,
  table: string,
  name: string,
  limit: RateLimit,
  now: () => number = Date.now,
): RateLimiter {
  const window = fixedWindow(limit);
  return {
    async consume(key) {
      const at = now();
      const windowStart = window.startOf(at);
      const { rows } = await pool.query<{ used: number }>(
        `INSERT INTO ${table} (key, window_start, used) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           used = CASE WHEN ${table}.window_start = EXCLUDED.window_start THEN ${table}.used + 1 ELSE 1 END,
           window_start = EXCLUDED.window_start
         RETURNING used`,
        [`${name}:${key}`, windowStart],
      );
      return window.decide(rows[0]?.used ?? 1, windowStart, at, 0);
    },
    async check(key) {
      const at = now();
      const windowStart = window.startOf(at);
      const { rows } = await pool.query<{ used: number }>(
        `SELECT used FROM ${table} WHERE key = $1 AND window_start = $2`,
        [`${name}:${key}`, windowStart],
      );
      return window.decide(rows[0]?.used ?? 0, windowStart, at, 1);
    },
  };
}
