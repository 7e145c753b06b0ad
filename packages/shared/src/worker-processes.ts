import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { UsageError } from './command-line.ts';
import type { Logger } from './logger.ts';

/**
 * `--workers N`: several processes of one server on one port, through `node:cluster` (the
 * primary accepts connections and hands them to the workers in turn). The primary serves no
 * request: it starts the workers, starts another when one dies, and stops them all on SIGINT or
 * SIGTERM. Each worker is the same program with the same arguments, so whatever the workers
 * share must live outside their memory (the database, the key store), which each program's
 * documentation says.
 */

/** Most workers a flag may ask for: far above any machine's useful count, low enough to be a typo. */
export const MAX_WORKERS = 256;

/** `--workers` as a count: a whole number from 1 to MAX_WORKERS, or `auto` (the CPUs this process may use). */
export function workersFlag(value: string, cpus: () => number = availableParallelism): number {
  if (value === 'auto') return Math.min(cpus(), MAX_WORKERS);
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new UsageError(
      `--workers must be a whole number from 1 to ${MAX_WORKERS}, or auto (one per CPU), not "${value}"`,
    );
  }
  return Number(value);
}

/** Whether this process is a worker started by `superviseWorkers`. */
export function isWorkerProcess(): boolean {
  return cluster.isWorker;
}

/** The messages between the primary and a worker, on the cluster's IPC channel. */
const READY = 'mcp-auth:worker-ready';
const STOP = 'mcp-auth:worker-stop';

interface ReadyMessage {
  readonly type: typeof READY;
  /** What the worker would have printed on its own: the primary prints the first one. */
  readonly banner: string;
}

function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READY;
}

/** In a worker: tells the primary it serves requests, with the banner a single process prints. */
export function reportWorkerReady(banner: string): void {
  process.send?.({ type: READY, banner } satisfies ReadyMessage);
}

/**
 * In a worker: resolves when the worker should stop: the primary asks (SIGTERM to the primary),
 * a signal reaches the worker itself (Ctrl-C reaches the whole process group), or the primary is
 * gone (its IPC channel closed). Later signals are ignored, so a second Ctrl-C does not cut a
 * graceful close short.
 */
export function workerStopRequested(): Promise<string> {
  return new Promise((resolve) => {
    let stopped = false;
    const stop = (reason: string) => {
      if (stopped) return;
      stopped = true;
      resolve(reason);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('message', (message) => {
      if ((message as { type?: unknown } | null)?.type === STOP) stop('primary');
    });
    process.once('disconnect', () => stop('primary gone'));
  });
}

/** In a worker, after its server closed: leave the cluster, so the process can end. */
export function leaveWorkerPool(): void {
  if (process.connected) process.disconnect();
}

export interface SuperviseOptions {
  /** How many workers to keep running. */
  readonly count: number;
  /** The primary's log: worker starts, deaths and restarts. */
  readonly logger: Logger;
  /** Called once, with the first worker's banner, when every worker serves. */
  readonly onReady: (banner: string, pids: readonly number[]) => void;
  /** How long a stopping worker may take before it is killed (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** Resolves when the pool should stop (default: SIGINT or SIGTERM to the primary). */
  readonly stopRequested?: Promise<unknown>;
}

/** A crash within this long of the previous one counts towards the restart back-off. */
const CRASH_WINDOW_MS = 60_000;
const FIRST_RESTART_DELAY_MS = 100;
const LONGEST_RESTART_DELAY_MS = 30_000;

/**
 * In the primary: starts `count` workers and keeps them running until a stop is requested, then
 * stops them and resolves to the exit code (0; 1 when the workers could not start). The first
 * worker starts alone, so that it alone creates what the data folder or database lacks (schema,
 * keys, the demo account); the others start once it serves. A worker that dies later is logged
 * and replaced, after a delay that doubles with each crash in the last minute (a worker that
 * cannot start is not restarted in a tight loop).
 */
export async function superviseWorkers(options: SuperviseOptions): Promise<number> {
  const { logger } = options;
  const stopRequested = options.stopRequested ?? signalToPrimary();
  const workers = new Map<number, Worker>();
  let stopping = false;
  const crashes: number[] = [];
  // Kept referenced: while every worker is down, a pending restart is what keeps the primary alive.
  const restarts = new Set<NodeJS.Timeout>();

  const start = (slot: number): Promise<{ worker: Worker; banner: string }> => {
    const worker = cluster.fork();
    workers.set(slot, worker);
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (!isReadyMessage(message)) return;
        worker.off('exit', onEarlyExit);
        worker.off('message', onMessage);
        resolve({ worker, banner: message.banner });
      };
      const onEarlyExit = (code: number | null, signal: string | null) => {
        worker.off('message', onMessage);
        reject(new WorkerStartError(slot, worker.process.pid, code, signal));
      };
      worker.on('message', onMessage);
      worker.once('exit', onEarlyExit);
    });
  };

  const scheduleRestart = (
    slot: number,
    pid: number | undefined,
    code: number | null,
    signal: string | null,
  ) => {
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && now - (crashes[0] as number) > CRASH_WINDOW_MS) crashes.shift();
    const delayMs = Math.min(LONGEST_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (crashes.length - 1));
    logger.error('worker exited; starting another', {
      worker: slot,
      pid,
      exitCode: code,
      signal,
      restartInMs: delayMs,
    });
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (stopping) return;
      start(slot).then(
        ({ worker }) => {
          logger.info('worker restarted', { worker: slot, pid: worker.process.pid });
          watch(slot, worker);
        },
        // Its own error went to stderr; a worker that cannot start is a crash like any other.
        (error: WorkerStartError) => {
          if (!stopping) scheduleRestart(slot, error.pid, error.code, error.signal);
        },
      );
    }, delayMs);
    restarts.add(timer);
  };
  const watch = (slot: number, worker: Worker) => {
    worker.once('exit', (code, signal) => {
      if (!stopping && workers.get(slot) === worker) scheduleRestart(slot, worker.process.pid, code, signal);
    });
  };

  let banner: string;
  try {
    banner = (await start(1)).banner;
    await Promise.all(Array.from({ length: options.count - 1 }, (_, index) => start(index + 2)));
  } catch (error) {
    stopping = true;
    await stopAll(workers, options.stopTimeoutMs);
    throw error;
  }
  for (const [slot, worker] of workers) watch(slot, worker);
  options.onReady(
    banner,
    [...workers.values()].map((worker) => worker.process.pid ?? 0),
  );
  await stopRequested;
  stopping = true;
  for (const timer of restarts) clearTimeout(timer);
  await stopAll(workers, options.stopTimeoutMs);
  return 0;
}

/** A worker that exited before it served: its own error is on stderr already. */
export class WorkerStartError extends Error {
  readonly slot: number;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: string | null;

  constructor(slot: number, pid: number | undefined, code: number | null, signal: string | null) {
    super(
      `worker ${slot} exited ${signal ? `on ${signal}` : `with code ${code}`} before it could serve; ` +
        'its error is above; fix it, or run with --workers 1 to see it alone',
    );
    this.name = 'WorkerStartError';
    this.slot = slot;
    this.pid = pid;
    this.code = code;
    this.signal = signal;
  }
}

/** SIGINT or SIGTERM; later ones are ignored, so a second Ctrl-C does not cut the workers' close short. */
function signalToPrimary(): Promise<void> {
  return new Promise((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
}

/** Asks every worker to stop, waits for each to exit, and kills one that takes too long. */
async function stopAll(workers: ReadonlyMap<number, Worker>, timeoutMs = 10_000): Promise<void> {
  await Promise.all(
    [...workers.values()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          const timer = setTimeout(() => worker.process.kill('SIGKILL'), timeoutMs);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (worker.isConnected()) worker.send({ type: STOP });
          else worker.process.kill('SIGTERM');
        }),
    ),
  );
}
