import { createHttpMetrics, type HttpMetrics } from '@mcp-auth/shared/metrics';
import { Counter, Gauge, Registry } from 'prom-client';
import type { TokenCacheStats } from '../auth/verified-token.ts';

/** What the figures are read from at each scrape: nothing on the request path is touched for them. */
export interface ResourceServerFigures {
  readonly activeSessions: () => { readonly streamableHttp: number; readonly sse: number };
  readonly tokenCache?: () => TokenCacheStats;
}

/**
 * The RS's figures for Prometheus, in a registry of its own (one per running server). Requests
 * are counted by the route table's names; sessions and the verifier cache are read when scraped.
 */
export class ResourceServerMetrics {
  readonly registry = new Registry();
  readonly http: HttpMetrics = createHttpMetrics(this.registry);

  constructor(figures: ResourceServerFigures) {
    new Gauge({
      name: 'mcp_auth_rs_active_sessions',
      help: '2025-era MCP sessions held, by transport (streamable_http, sse).',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        const sessions = figures.activeSessions();
        this.labels('streamable_http').set(sessions.streamableHttp);
        this.labels('sse').set(sessions.sse);
      },
    });
    const cache = figures.tokenCache;
    if (!cache) return;
    // Counters read from the verifier's own running totals at each scrape.
    new Counter({
      name: 'mcp_auth_rs_token_cache_hits_total',
      help: 'Access tokens answered from the verifier cache (no introspection, no signature check).',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(cache().hits);
      },
    });
    new Counter({
      name: 'mcp_auth_rs_token_cache_misses_total',
      help: 'Access tokens the verifier had to check (introspection or signature verification).',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(cache().misses);
      },
    });
  }
}
