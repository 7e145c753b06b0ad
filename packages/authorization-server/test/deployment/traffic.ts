import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** One request the test sent to the load balancer, and who answered it. */
export interface Exchange {
  /** The operation it belonged to (`traffic.run(label, …)`), e.g. `w3 refresh 12`. */
  readonly label: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly startedAt: number;
  endedAt: number;
  status?: number;
  /**
   * nginx's `$upstream_addr` (the `X-Upstream` header), split: one address normally, several
   * when nginx tried one instance and then the next.
   */
  upstreams: string[];
  /** A network error instead of an answer. */
  error?: string;
}

/**
 * Records every `fetch` to one origin, wherever it is called from (the sign-in helpers, the MCP
 * SDK's transport), tagged with the operation running in that async context.
 */
export class TrafficRecorder {
  readonly exchanges: Exchange[] = [];
  readonly #scope = new AsyncLocalStorage<string>();
  readonly #origin: string;
  #original: typeof fetch | undefined;

  constructor(origin: string) {
    this.#origin = origin;
  }

  install(): void {
    if (this.#original) return;
    const original = globalThis.fetch;
    this.#original = original;
    const record = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (url.origin !== this.#origin) return original(input, init);
      const exchange: Exchange = {
        label: this.#scope.getStore(),
        method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
        path: url.pathname,
        startedAt: performance.now(),
        endedAt: Number.NaN,
        upstreams: [],
      };
      this.exchanges.push(exchange);
      try {
        const response = await original(input, init);
        exchange.status = response.status;
        exchange.upstreams = parseUpstreams(response.headers.get('x-upstream'));
        return response;
      } catch (error) {
        exchange.error = (error as Error).message;
        throw error;
      } finally {
        exchange.endedAt = performance.now();
      }
    };
    globalThis.fetch = record as typeof fetch;
  }

  uninstall(): void {
    if (this.#original) globalThis.fetch = this.#original;
    this.#original = undefined;
  }

  /** Runs `operation`, tagging every request it makes with `label`. */
  run<T>(label: string, operation: () => Promise<T>): Promise<T> {
    return this.#scope.run(label, operation);
  }

  labelled(label: string): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.label === label);
  }
}

/** `$upstream_addr`: `a` or `a, b` (next upstream tried) or `a : b` (internal redirect). */
export function parseUpstreams(header: string | null): string[] {
  return (header ?? '')
    .split(/\s*,\s*|\s+:\s+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** The instance that finally answered (the last one nginx tried). */
export function answeredBy(exchange: Exchange): string | undefined {
  return exchange.upstreams.at(-1);
}
