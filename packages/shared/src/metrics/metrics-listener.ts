import type { Registry } from 'prom-client';
import { type HttpListener, listenUntilReady } from '../http-listener.ts';

/** The path Prometheus scrapes (its default `metrics_path`). */
export const METRICS_PATH = '/metrics';

export interface MetricsListenerOptions {
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
}

/**
 * `/metrics` in the Prometheus text exposition format, on a listener of its own: never on the
 * program's public port, so putting the program on the internet does not publish its figures;
 * loopback unless `--metrics-host` says otherwise. Anything but `GET /metrics` is 404 (405 for
 * another method on it). Each scrape serialises the registry; no request touches it otherwise.
 */
export async function startMetricsListener(options: MetricsListenerOptions): Promise<HttpListener> {
  const listener = await listenUntilReady({
    port: options.port,
    host: options.host,
    portFlag: '--metrics-port',
  });
  listener.serve(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: scrape /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
      return;
    }
    try {
      const body = await options.registry.metrics();
      res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res
        .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        .end('collecting the metrics failed\n');
    }
  });
  return listener;
}
