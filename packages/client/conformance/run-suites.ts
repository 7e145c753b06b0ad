/**
 * Runs the MCP conformance suite's client suites against the harness, one suite after another,
 * under this Node (`process.execPath`), for each generation of the suite the repository pins,
 * each against its own expected-failures baseline:
 *   node packages/client/conformance/run-suites.ts [--generation 0.1|0.2] [suite …]   (npm run conformance)
 * `MCP_AUTH_CONFORMANCE_OUTPUT_DIR=<dir>` keeps each scenario's checks and harness output there.
 * Exits non-zero if any suite fails (an unexpected failure or a stale baseline entry).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  baselineLines,
  conformanceBin,
  GENERATIONS,
  type Generation,
  summaryLines,
} from '@mcp-auth/test-support/conformance';

export { GENERATIONS, type Generation };

/** Every client suite the conformance CLI offers (`core` is `auth` plus the non-auth scenarios). */
export const CLIENT_SUITES = ['auth', 'backcompat', 'draft', 'extensions', 'core'] as const;

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));
const HARNESS = fileURLToPath(new URL('./harness.ts', import.meta.url));

/**
 * Per-scenario client timeout. The suite's default (30 s) is too tight on a busy 2-core CI
 * machine: a suite starts all its scenarios' clients at once.
 */
export const DEFAULT_CLIENT_TIMEOUT_MS = 120_000;

export interface SuiteResult {
  /** The generation's id and the version of its package, e.g. `0.2 (0.2.0-alpha.12)`. */
  readonly generation: string;
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
  /** The generations to run (all of GENERATIONS if not given). */
  readonly generations?: readonly Generation[];
  /** Aborting kills the running suite and the harness processes it started. */
  readonly signal?: AbortSignal;
  /** Per-scenario client timeout handed to the suite (ms); DEFAULT_CLIENT_TIMEOUT_MS if not given. */
  readonly clientTimeoutMs?: number;
  /** Receives the suites' output as it comes. */
  readonly onOutput?: (chunk: string) => void;
  /** Where the suite saves each scenario's checks and the harness's stdout/stderr (`-o`). */
  readonly outputDir?: string;
  /** The scenarios of `core` outside `auth` to run (CORE_OUTSIDE_AUTH if not given). */
  readonly coreOutsideAuth?: readonly string[];
}

/** POSIX shell quoting: the suite runs `--command` through a shell. */
function shellQuote(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The scenarios of `core` outside `auth`. They run one at a time, not as `--suite core`: that
 * starts all 18 scenarios at once, and on a 2-core machine `sse-retry`'s timing check (the client
 * reconnects within the server's `retry` plus 200 ms, SEP-1699) then measures the load, not the
 * client. The rest of `core` is the `auth` suite, run as such.
 */
export const CORE_OUTSIDE_AUTH = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
];

/** One run of the suite's CLI: `--suite <name>` or `--scenario <name>`, with the generation's baseline. */
function runConformance(
  generation: Generation,
  selection: readonly ['--suite' | '--scenario', string],
  options: RunOptions,
): Promise<Omit<SuiteResult, 'suite'>> {
  const { script, version } = conformanceBin(generation);
  const [, name] = selection;
  const args = [
    script,
    'client',
    '--command',
    `${shellQuote(process.execPath)} ${shellQuote(HARNESS)}`,
    ...selection,
    '--expected-failures',
    generation.expectedFailures,
    '--timeout',
    String(options.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS),
    ...(options.outputDir ? ['--output-dir', join(options.outputDir, generation.id, name)] : []),
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
      // A single scenario prints no per-scenario summary line, only its overall verdict.
      const single = selection[0] === '--scenario';
      const passedAlone = /OVERALL: PASSED/.test(output);
      resolve({
        generation: `${generation.id} (${version})`,
        code,
        passed: single ? (passedAlone ? [name] : []) : summaryLines(output, '✓'),
        failed: single ? (passedAlone ? [] : [name]) : summaryLines(output, '✗'),
        expectedFailures: baselineLines(output),
        output,
      });
    });
  });
}

function merge(suite: string, parts: readonly Omit<SuiteResult, 'suite'>[]): SuiteResult {
  return {
    suite,
    generation: parts[0]?.generation ?? '',
    code: parts.find((part) => part.code !== 0)?.code ?? 0,
    passed: parts.flatMap((part) => part.passed),
    failed: parts.flatMap((part) => part.failed),
    expectedFailures: parts.flatMap((part) => part.expectedFailures),
    output: parts.map((part) => part.output).join('\n'),
  };
}

/**
 * Runs one client suite of one generation. `core` reuses the `auth` result when the same run has
 * one (`auth` is part of `core`), and runs its other scenarios one at a time (CORE_OUTSIDE_AUTH).
 */
export async function runSuite(
  generation: Generation,
  suite: string,
  options: RunOptions = {},
  authResult?: SuiteResult,
): Promise<SuiteResult> {
  if (suite !== 'core') return merge(suite, [await runConformance(generation, ['--suite', suite], options)]);
  const parts: Omit<SuiteResult, 'suite'>[] = [
    authResult ?? (await runConformance(generation, ['--suite', 'auth'], options)),
  ];
  for (const scenario of options.coreOutsideAuth ?? CORE_OUTSIDE_AUTH) {
    parts.push(await runConformance(generation, ['--scenario', scenario], options));
  }
  return merge(suite, parts);
}

/** Runs the suites one after another, generation by generation; stops at nothing, so every suite reports. */
export async function runSuites(options: RunOptions = {}): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  for (const generation of options.generations ?? GENERATIONS) {
    let auth: SuiteResult | undefined;
    for (const suite of options.suites ?? CLIENT_SUITES) {
      const result = await runSuite(generation, suite, options, auth);
      if (suite === 'auth') auth = result;
      results.push(result);
    }
  }
  return results;
}

export function summarize(results: readonly SuiteResult[]): string {
  return results
    .map((result) => {
      const expected = result.failed.filter((name) => result.expectedFailures.includes(name));
      const unexpected = result.failed.filter((name) => !result.expectedFailures.includes(name));
      return (
        `${result.code === 0 ? 'PASS' : 'FAIL'} ${result.generation} ${result.suite}: ` +
        `${result.passed.length}/${result.passed.length + result.failed.length} scenario(s) passed, ` +
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
  const args = process.argv.slice(2);
  const generationAt = args.indexOf('--generation');
  const generationId = generationAt >= 0 ? args.splice(generationAt, 2)[1] : undefined;
  const generations = generationId
    ? GENERATIONS.filter((candidate) => candidate.id === generationId)
    : GENERATIONS;
  if (generations.length === 0) {
    const known = GENERATIONS.map((candidate) => candidate.id).join(', ');
    process.stderr.write(
      `conformance: no generation ${generationId ?? '(none given)'}; use one of ${known}\n`,
    );
    process.exit(2);
  }
  const suites = args;
  const outputDir = process.env.MCP_AUTH_CONFORMANCE_OUTPUT_DIR;
  const results = await runSuites({
    generations,
    ...(suites.length ? { suites } : {}),
    ...(outputDir ? { outputDir } : {}),
    onOutput: (chunk) => process.stdout.write(chunk),
  });
  process.stdout.write(`\n=== conformance ===\n${summarize(results)}\n`);
  process.exit(results.every((result) => result.code === 0) ? 0 : 1);
}
