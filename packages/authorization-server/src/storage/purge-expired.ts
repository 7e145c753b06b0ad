import type { Logger } from '@mcp-auth/shared';
import type { StorageBackend } from './storage-backend.ts';

/** How often expired records are deleted. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** A store of things that expire: the artifacts, the shared rate-limit windows. */
export interface ExpiringStore {
  purgeExpired(): Promise<unknown>;
}

/**
 * Deletes expired records now and then. Lookups already ignore expired rows; this only keeps
 * the database from growing without bound. The timer is unref'd so it never holds the process.
 */
export function startExpiredPurge(
  artifacts: ExpiringStore,
  options: { intervalMs: number; onError: (error: unknown) => void },
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await artifacts.purgeExpired();
    } catch (error) {
      options.onError(error);
    } finally {
      running = false;
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The purges of a backend: its expired artifacts and, when it shares rate limits, their old
 * windows, each logged when it fails. Returns the function that stops them.
 */
export function startStoragePurges(backend: StorageBackend, logger: Logger): () => void {
  const stops = [
    startExpiredPurge(backend.artifacts, {
      intervalMs: PURGE_INTERVAL_MS,
      onError: (error) => logger.error('purging expired artifacts failed', { error }),
    }),
  ];
  if (backend.rateLimits) {
    stops.push(
      startExpiredPurge(backend.rateLimits, {
        intervalMs: PURGE_INTERVAL_MS,
        onError: (error) => logger.error('purging old rate-limit windows failed', { error }),
      }),
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}
