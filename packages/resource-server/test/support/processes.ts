import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForOutput } from '@mcp-auth/test-support/process-output';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
/** The workspace bins (`mcp-auth-as`, `mcp-auth-rs`), as `npm ci && npm run build` links them. */
export const BIN_DIR = join(REPOSITORY, 'node_modules', '.bin');

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/** Starts a command the way a person would type it, with the workspace bins and this Node on PATH. */
export function startCommand(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): RunningProcess {
  const child = spawn(command, args, {
    env: {
      ...process.env,
      ...env,
      PATH: `${BIN_DIR}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 30_000) =>
      waitForOutput(child, () => output, pattern, timeoutMs).then(() => output),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
