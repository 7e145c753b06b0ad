/**
 * Runs the MCP conformance suite's client suites against the harness, one suite after another,
 * under this Node (`process.execPath`), with the repository's expected-failures baseline:
 *   node packages/client/conformance/run-suites.ts [suite …]      (npm run conformance)
 * `MCP_AUTH_CONFORMANCE_OUTPUT_DIR=<dir>` keeps each scenario's checks and harness output there.
 * Exits non-zero if any suite fails (an unexpected failure or a stale baseline entry).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENT_SUITES = ['auth', 'backcompat', 'draft', 'extensions'] as const;

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));
const HARNESS = fileURLToPath(new URL('./harness.ts', import.meta.url));
export const EXPECTED_FAILURES = join(REPOSITORY, 'conformance', 'expected-failures.yml');
/**
 * Per-scenario client timeout. The suite's default (30 s) is too tight on a busy 2-core CI
 * machine: a suite starts all its scenarios' clients at once.
 */
export const DEFAULT_CLIENT_TIMEOUT_MS = 120_000;

export interface SuiteResult {
  readonly suite: string;
  /** The suite's exit code (null if it was killed). */
  readonly code: number | null;
  readonly passed: readonly string[];
  readonly failed: readonly string[];
  /** The failed scenarios that the expected-failures baseline lists. */
  readonly expectedFailures: readonly string[];
  readonly output: string;
}

export interface RunOptions {
  readonly suites?: readonly string[];
  /** Aborting kills the running suite and the harness processes it started. */
  readonly signal?: AbortSignal;
  /** Per-scenario client timeout handed to the suite (ms); DEFAULT_CLIENT_TIMEOUT_MS if not given. */
  readonly clientTimeoutMs?: number;
  /** Receives the suites' output as it comes. */
  readonly onOutput?: (chunk: string) => void;
  /** Where the suite saves each scenario's checks and the harness's stdout/stderr (`-o`). */
  readonly outputDir?: string;
}

/** The suite's CLI script, from its package.json `bin`. */
export function conformanceBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/conformance/package.json');
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  if (!bin) throw new Error('@modelcontextprotocol/conformance has no conformance bin');
  return join(dirname(manifestPath), bin);
}

/** POSIX shell quoting: the suite runs `--command` through a shell. */
function shellQuote(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The per-scenario lines of the suite's summary: `✓ name: …` or `✗ name: …`. */
function summaryLines(output: string, mark: string): string[] {
  const names: string[] = [];
  for (const line of output.split('\n')) {
    const match = line.match(/^([✓✗]) (\S+): \d+ passed/);
    if (match?.[1] === mark && match[2]) names.push(match[2]);
  }
  return names;
}

/** The suite's `Expected failures (in baseline):` list: `  ~ name` lines. */
function baselineLines(output: string): string[] {
  return output.split('\n').flatMap((line) => line.match(/^ {2}~ (\S+)$/)?.[1] ?? []);
}

export function runSuite(suite: string, options: RunOptions = {}): Promise<SuiteResult> {
  const args = [
    conformanceBin(),
    'client',
    '--command',
    `${shellQuote(process.execPath)} ${shellQuote(HARNESS)}`,
    '--suite',
    suite,
    '--expected-failures',
    EXPECTED_FAILURES,
    '--timeout',
    String(options.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS),
    ...(options.outputDir ? ['--output-dir', options.outputDir] : []),
  ];
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    // Its own process group, so that aborting reaches the harness processes too.
    const child = spawn(process.execPath, args, {
      cwd: REPOSITORY,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    process.once('exit', kill);
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', kill);
      process.off('exit', kill);
      reject(error);
    });
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', kill);
      process.off('exit', kill);
      if (options.signal?.aborted) return reject(options.signal.reason);
      resolve({
        suite,
        code,
        passed: summaryLines(output, '✓'),
        failed: summaryLines(output, '✗'),
        expectedFailures: baselineLines(output),
        output,
      });
    });
  });
}

/** Runs the suites one after another; stops at nothing, so every suite reports. */
export async function runSuites(options: RunOptions = {}): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  for (const suite of options.suites ?? CLIENT_SUITES) {
    results.push(await runSuite(suite, options));
  }
  return results;
}

export function summarize(results: readonly SuiteResult[]): string {
  return results
    .map((result) => {
      const expected = result.failed.filter((name) => result.expectedFailures.includes(name));
      const unexpected = result.failed.filter((name) => !result.expectedFailures.includes(name));
      return (
        `${result.code === 0 ? 'PASS' : 'FAIL'} ${result.suite}: ${result.passed.length} scenario(s) passed, ` +
        `${unexpected.length} failed${unexpected.length ? ` (${unexpected.join(', ')})` : ''}, ` +
        `${expected.length} expected failure(s)${expected.length ? ` (${expected.join(', ')})` : ''}`
      );
    })
    .join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(`conformance: needs Node 22 or later (this is ${process.version})\n`);
    process.exit(2);
  }
  const suites = process.argv.slice(2);
  const outputDir = process.env.MCP_AUTH_CONFORMANCE_OUTPUT_DIR;
  const results = await runSuites({
    ...(suites.length ? { suites } : {}),
    ...(outputDir ? { outputDir } : {}),
    onOutput: (chunk) => process.stdout.write(chunk),
  });
  process.stdout.write(`\n=== conformance ===\n${summarize(results)}\n`);
  process.exit(results.every((result) => result.code === 0) ? 0 : 1);
}
