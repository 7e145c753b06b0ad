/**
 * A small closed-loop HTTP load generator on `node:http`: N keep-alive connections, each looping
 * one request at a time for a fixed duration after a warm-up. It always runs in a worker thread,
 * so it never shares an event loop with the server under test. Bounded in time (duration, a
 * per-request timeout, a hard stop in the parent) and in count (`maxRequests`).
 */
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type Workload =
  /** The same request over and over. */
  | {
      readonly kind: 'fixed';
      readonly request: RequestSpec;
      /** Connection i sends the i-th of these instead (e.g. each its own MCP session). */
      readonly perConnection?: readonly RequestSpec[];
      readonly expectStatus: number;
      /** A substring every successful answer contains (a correctness check, not a timing one). */
      readonly expectBody?: string;
    }
  /** OAuth refresh: every answer rotates the refresh token, so each connection keeps its own chain. */
  | {
      readonly kind: 'refresh-chain';
      readonly path: string;
      readonly host: string;
      readonly clientId: string;
      /** One starting refresh token per connection. */
      readonly refreshTokens: readonly string[];
    };

export interface LoadOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly workload: Workload;
  /** Safety bound on requests sent (warm-up included). */
  readonly maxRequests?: number;
  readonly requestTimeoutMs?: number;
}

export interface LoadResult {
  readonly connections: number;
  /** The measured window: from the end of the warm-up until the last loop finished. */
  readonly windowMs: number;
  readonly requests: number;
  readonly errors: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly statuses: Record<string, number>;
  readonly firstError?: string;
  /**
   * CPU time of the load generator's own thread over the measured window, as a share of one
   * core (1 = a whole core): on a small machine what the servers could not have, and when near
   * 1 a sign that the generator, not the server, set the pace.
   */
  readonly generatorCpuShare: number;
}

const HOST = '127.0.0.1';
const MARK = 'mcp-auth-bench-load';

/** Runs one load in a fresh worker thread and returns its measurements. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { [MARK]: options } });
    const hardStop = setTimeout(
      () => {
        void worker.terminate();
        reject(new Error('the load generator did not finish in time'));
      },
      options.warmupMs + options.durationMs + (options.requestTimeoutMs ?? 10_000) + 15_000,
    );
    worker.once('message', (result: LoadResult) => {
      clearTimeout(hardStop);
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      clearTimeout(hardStop);
      reject(error);
    });
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** One request on a fresh connection (set-up and checks, not measurements). */
export function requestOnce(port: number, spec: RequestSpec, timeoutMs = 10_000): Promise<Answer> {
  return send(false, port, spec, timeoutMs);
}

function send(agent: Agent | false, port: number, spec: RequestSpec, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
    const req = request({ agent, host: HOST, port, method: spec.method, path: spec.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(spec.body);
  });
}

async function generate(options: LoadOptions): Promise<LoadResult> {
  const { connections, workload } = options;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxRequests = options.maxRequests ?? 5_000_000;
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const fail = (message: string) => {
    errors += 1;
    firstError ??= message;
  };
  let cpuAtMeasureStart = process.threadCpuUsage();
  const cpuMark = setTimeout(() => {
    cpuAtMeasureStart = process.threadCpuUsage();
  }, options.warmupMs);

  async function loop(index: number): Promise<void> {
    let refreshToken = workload.kind === 'refresh-chain' ? workload.refreshTokens[index] : undefined;
    while (performance.now() < stopAt && sent < maxRequests) {
      let spec: RequestSpec;
      if (workload.kind === 'fixed') {
        spec = workload.perConnection?.[index % workload.perConnection.length] ?? workload.request;
      } else {
        if (!refreshToken) return fail(`connection ${index} has no refresh token`);
        spec = {
          method: 'POST',
          path: workload.path,
          headers: { host: workload.host, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: workload.clientId,
            refresh_token: refreshToken,
          }).toString(),
        };
      }
      sent += 1;
      const begin = performance.now();
      let answer: Answer;
      try {
        answer = await send(agent, options.port, spec, timeoutMs);
      } catch (error) {
        fail((error as Error).message);
        continue;
      }
      const end = performance.now();
      const measured = begin >= measureFrom;
      if (measured) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (workload.kind === 'fixed') {
        const ok =
          answer.status === workload.expectStatus &&
          (workload.expectBody === undefined || answer.body.includes(workload.expectBody));
        if (!ok) {
          fail(`unexpected answer ${answer.status}: ${answer.body.slice(0, 200)}`);
          continue;
        }
      } else {
        const next =
          answer.status === 200 ? (JSON.parse(answer.body) as { refresh_token?: string }).refresh_token : '';
        if (!next) {
          // A broken chain cannot go on: the old refresh token is spent.
          return fail(`refresh answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        }
        refreshToken = next;
      }
      if (measured) latencies.push(end - begin);
    }
  }

  await Promise.all(Array.from({ length: connections }, (_, index) => loop(index)));
  const windowMs = Math.max(1, performance.now() - measureFrom);
  clearTimeout(cpuMark);
  const cpu = process.threadCpuUsage(cpuAtMeasureStart);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections,
    windowMs,
    requests: sorted.length,
    errors,
    throughput: (sorted.length / windowMs) * 1000,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    statuses,
    ...(firstError ? { firstError } : {}),
    generatorCpuShare: (cpu.user + cpu.system) / 1000 / windowMs,
  };
}

if (!isMainThread && workerData?.[MARK]) {
  const result = await generate(workerData[MARK] as LoadOptions);
  parentPort?.postMessage(result);
}
