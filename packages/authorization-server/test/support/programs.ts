import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The programs' entry points, run from source (Node type stripping). */
export const AS_CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
export const LEGACY_CLI = fileURLToPath(
  new URL('../../../same-origin-server/src/cli/main.ts', import.meta.url),
);

/** What a server prints once it listens: a start that should have been refused stops there. */
const STARTED = /MCP Authorization Server\s+http|MCP legacy combined server\s+http/;

export interface ProgramResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** It printed its banner: it started (and was then stopped by SIGTERM). */
  readonly started: boolean;
}

export interface RunOptions {
  /** Standard input (ended right away). */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `ulimit -f`, in KiB, for the program: no file it writes may grow beyond this, which the
   * program meets as a full disk (writes fail with EFBIG), with no root and no special mount.
   */
  readonly fileSizeLimitKiB?: number;
}

/**
 * Runs `node <script> <args>` to its end. A server that starts although the test expected it to
 * refuse is stopped as soon as it prints its banner, so that such a test fails at once.
 */
export function runProgram(script: string, args: string[], options: RunOptions = {}): Promise<ProgramResult> {
  const command =
    options.fileSizeLimitKiB === undefined
      ? { file: process.execPath, args: [script, ...args] }
      : {
          file: 'bash',
          args: [
            '-c',
            'ulimit -f "$0" && exec "$@"',
            String(options.fileSizeLimitKiB),
            process.execPath,
            script,
            ...args,
          ],
        };
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!started && STARTED.test(stdout)) {
        started = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, started }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The CLI rule for a failure: exit code 1, nothing started, and on stderr exactly one line,
 * `<program>: <what was tried, why it failed, what to do>`, with no stack trace.
 */
export function assertOneClearLine(result: ProgramResult, program: string, expected: RegExp): void {
  assert.equal(result.started, false, `${program} started instead of refusing:\n${result.stdout}`);
  assert.equal(result.code, 1, `exit code; stderr:\n${result.stderr}`);
  assert.match(result.stderr, new RegExp(`^${program}: [^\\n]+\\n$`), 'exactly one line on stderr');
  assert.match(result.stderr, expected);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

/** `text` matched literally inside a RegExp (paths in expected messages). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
