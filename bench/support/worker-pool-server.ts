/**
 * A server of the workers case: the real `mcp-auth-as` or `mcp-auth-rs` bin (dist build) with
 * `--workers N`, as a person starts it, and the pids of its primary and workers (whose CPU time
 * is the servers' share of the machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForOutput } from '@mcp-auth/test-support/process-output';

const BINS = {
  as: fileURLToPath(new URL('../../packages/authorization-server/bin/mcp-auth-as.js', import.meta.url)),
  rs: fileURLToPath(new URL('../../packages/resource-server/bin/mcp-auth-rs.js', import.meta.url)),
} as const;

export interface WorkerPoolServer {
  /** The primary first, then its workers. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/**
 * Starts `program` with `args`; `entry` runs another build of it instead of the bin (an A/B run's
 * earlier build: its `cli.js` or `cli/main.js`).
 */
export async function startWorkerPoolServer(
  program: keyof typeof BINS,
  args: readonly string[],
  entry: string = BINS[program],
): Promise<WorkerPoolServer> {
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // One worker prints no "workers" line: its process is the server.
  const banner = args.some((arg) => /^--workers=(?!1$)/.test(arg))
    ? /workers +\d+ processes \(([\d, ]+)\)/
    : /^(MCP (Authorization|Resource) Server) /m;
  let match: RegExpExecArray;
  try {
    match = await waitForOutput(child, () => output, banner, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const workers = match[1]?.startsWith('MCP') ? [] : (match[1] ?? '').split(', ').map(Number);
  return {
    pids: [child.pid ?? 0, ...workers],
    async stop() {
      if (child.exitCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}
