/** Counters behind the `server_stats` tool; one instance per running server. */
export class ServerStats {
  readonly #startedAt = Date.now();
  #requests = 0;

  countRequest(): void {
    this.#requests += 1;
  }

  snapshot(extra: { activeSessions: number; cache?: { hits: number; misses: number } }) {
    const lookups = extra.cache ? extra.cache.hits + extra.cache.misses : 0;
    return {
      uptimeSeconds: Math.floor((Date.now() - this.#startedAt) / 1000),
      requestsServed: this.#requests,
      activeSessions: extra.activeSessions,
      verifierCacheHitRate:
        extra.cache && lookups > 0 ? Math.round((extra.cache.hits / lookups) * 1000) / 1000 : null,
    };
  }
}
