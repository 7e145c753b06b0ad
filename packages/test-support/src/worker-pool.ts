import { type ChildProcess, spawn } from 'node:child_process';
import { waitForOutput } from './process-output.ts';

/**
 * A server started with `--workers N` from its entry file, for tests of the worker pool: its
 * output, the worker pids its banner lists (`workers … N processes (pid, pid)`), and how it ended.
 */
export interface WorkerPoolProcess {
  readonly child: ChildProcess;
  output(): string;
  /** The first match of `pattern` in the output so far or to come (30 s at most). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** The worker pids of the banner, once it is printed. */
  workerPids(): Promise<number[]>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string | null>;
}

export function startWorkerPool(entry: string, args: string[]): WorkerPoolProcess {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const waitFor = (pattern: RegExp) => waitForOutput(child, () => output, pattern, 30_000);
  return {
    child,
    output: () => output,
    waitFor,
    exited,
    async workerPids() {
      const match = await waitFor(/workers +\d+ processes \(([\d, ]+)\)/);
      return (match[1] ?? '').split(', ').map(Number);
    },
  };
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
