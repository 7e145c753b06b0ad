import { runCommandLine } from '@mcp-auth/shared';
import { runMcpAuthAs } from '../../src/commands/command-table.ts';

export interface OperatorRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `mcp-auth-as <argv>` run in this process, through the same command-line ending as the bin
 * (one line and exit 2 for a usage mistake, 1 for a failure): fast enough to run every command
 * against both databases. Standard input is empty.
 */
export async function runOperatorCommand(
  argv: string[],
  env: Record<string, string> = {},
): Promise<OperatorRun> {
  let stdout = '';
  let stderr = '';
  const out = {
    write: (text: string) => {
      stdout += text;
      return true;
    },
  };
  const err = {
    write: (text: string) => {
      stderr += text;
      return true;
    },
  };
  const io = {
    stdin: process.stdin,
    stdout: out as unknown as NodeJS.WriteStream,
    stderr: err as unknown as NodeJS.WriteStream,
  };
  let code = -1;
  await runCommandLine({ name: 'mcp-auth-as', run: (args) => runMcpAuthAs(args, { ...env }, io) }, argv, {
    stderr: err,
    setExitCode: (exit) => (code = exit),
  });
  return { code, stdout, stderr };
}

/** The JSON a `--json` command printed. */
export function jsonOf<T>(run: OperatorRun): T {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
