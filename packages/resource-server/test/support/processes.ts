import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  // 'close' comes after the last output: a process that printed the awaited line and exited is
  // seen to have printed it.
  let closed = false;
  child.once('close', () => (closed = true));
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      // Checked on each piece of output (an event), not on a timer.
      return new Promise((resolve, reject) => {
        const finish = (error?: Error) => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('close', onClose);
          if (error) reject(error);
          else resolve(output);
        };
        const check = () => {
          if (pattern.test(output)) finish();
        };
        const onClose = () => {
          if (!pattern.test(output)) finish(new Error(`${command} exited (${child.exitCode}):\n${output}`));
        };
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}:\n${output}`)),
          timeoutMs,
        );
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('close', onClose);
        check();
        if (closed) onClose();
      });
    },
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
