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
