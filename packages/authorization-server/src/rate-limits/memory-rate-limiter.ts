import type { RateLimit, RateLimiter } from './rate-limiter.ts';

/** A limiter in this process's memory: for one instance, or when the backend shares none. */
export function memoryRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { startedAt: number; used: number }>();
  const windowMs = limit.windowSeconds * 1000;
  let lastSweep = now();
  const decide = (entry: { startedAt: number; used: number } | undefined, at: number, extra: number) => {
    const used = entry && at - entry.startedAt < windowMs ? entry.used : 0;
    const allowed = used + extra <= limit.points;
    const retryAfterSeconds =
      allowed || !entry ? 0 : Math.max(1, Math.ceil((entry.startedAt + windowMs - at) / 1000));
    return { allowed, retryAfterSeconds, used };
  };
  return {
    async check(key) {
      return decide(windows.get(key), now(), 1);
    },
    async consume(key) {
      const at = now();
      // Drop finished windows now and then so memory stays bounded by the active callers.
      if (at - lastSweep > windowMs) {
        for (const [entryKey, entry] of windows) {
          if (at - entry.startedAt >= windowMs) windows.delete(entryKey);
        }
        lastSweep = at;
      }
      let entry = windows.get(key);
      if (!entry || at - entry.startedAt >= windowMs) {
        entry = { startedAt: at, used: 0 };
        windows.set(key, entry);
      }
      entry.used += 1;
      return decide(entry, at, 0);
    },
  };
}
