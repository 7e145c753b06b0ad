/**
 * `@mcp-auth/shared/metrics`: what the AS and the RS share for Prometheus. A subpath of its own, so
 * that importing `@mcp-auth/shared` (the client does) never loads prom-client.
 */
export { createHttpMetrics, type HttpMetrics, UNNAMED_ROUTE } from './http-metrics.ts';
export { METRICS_PATH, type MetricsListenerOptions, startMetricsListener } from './metrics-listener.ts';
