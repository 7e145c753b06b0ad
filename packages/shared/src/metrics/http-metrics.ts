import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Seconds. From 1 ms (a cached token check) to 10 s (a slow sign-in behind a slow database); the
 * few buckets keep each route's series small.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The route a request was answered by, when no route (nor 404) named it. */
export const UNNAMED_ROUTE = 'other';

/**
 * Requests by route and status, and their latency, for one program's registry. The `route` label
 * is always a name from the program's route table (never the request's path, which a client
 * chooses), so the number of series stays bounded whatever is requested.
 */
export interface HttpMetrics {
  /**
   * Wraps a request handler: the request is counted and timed when its response finishes (for an
   * event stream, when it closes). `routeOf` names the route that answered, once it has.
   */
  instrument<Result>(
    handler: (req: IncomingMessage, res: ServerResponse) => Result,
    routeOf: (req: IncomingMessage) => string | undefined,
  ): (req: IncomingMessage, res: ServerResponse) => Result;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'mcp_auth_http_requests_total',
    help: 'HTTP requests answered, by route (the route table name) and status code.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mcp_auth_http_request_duration_seconds',
    help: 'Time from the request to the end of its response, by route.',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // The labelled children are looked up once per (route, status), not hashed on every request.
  const counters = new Map<string, Counter.Internal>();
  const timers = new Map<string, Histogram.Internal<string>>();
  const observe = (route: string, status: number, seconds: number) => {
    const key = `${route} ${status}`;
    let counter = counters.get(key);
    if (!counter) {
      counter = requests.labels(route, String(status));
      counters.set(key, counter);
    }
    counter.inc();
    let timer = timers.get(route);
    if (!timer) {
      timer = latency.labels(route);
      timers.set(route, timer);
    }
    timer.observe(seconds);
  };
  return {
    instrument(handler, routeOf) {
      return (req, res) => {
        const started = process.hrtime.bigint();
        res.once('close', () => {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          observe(routeOf(req) ?? UNNAMED_ROUTE, res.statusCode, seconds);
        });
        return handler(req, res);
      };
    },
  };
}
