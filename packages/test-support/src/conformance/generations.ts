import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * One generation of the MCP conformance suite the repository pins: its package (an npm alias for
 * the newer one) and its baseline, which lists the expected failures of the client scenarios
 * (`client:`) and of the server scenarios (`server:`), each entry with its reason.
 */
export interface Generation {
  /** `0.1` (the 2025-11-25 protocol) or `0.2` (adds the 2026-07-28 revision and extensions). */
  readonly id: string;
  readonly packageName: string;
  readonly expectedFailures: string;
}

export const GENERATIONS: readonly Generation[] = [
  {
    id: '0.1',
    packageName: '@modelcontextprotocol/conformance',
    expectedFailures: join(REPOSITORY, 'conformance', 'expected-failures-0.1.yml'),
  },
  {
    id: '0.2',
    packageName: '@modelcontextprotocol/conformance-alpha',
    expectedFailures: join(REPOSITORY, 'conformance', 'expected-failures-0.2.yml'),
  },
];

export function generation(id: string): Generation {
  const found = GENERATIONS.find((candidate) => candidate.id === id);
  if (!found)
    throw new Error(`no conformance generation ${id}; use one of ${GENERATIONS.map((g) => g.id).join(', ')}`);
  return found;
}

/** The generation's CLI script, from its package.json `bin`, and the package's version. */
export function conformanceBin(of: Generation): { script: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${of.packageName}/package.json`);
  const manifest = require(manifestPath) as { bin: string | Record<string, string>; version: string };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  if (!bin) throw new Error(`${of.packageName} has no conformance bin`);
  return { script: join(dirname(manifestPath), bin), version: manifest.version };
}

/** The per-scenario lines of a suite's summary, `✓ name: …` (passed) or `✗ name: …` (failed). */
export function summaryLines(output: string, mark: '✓' | '✗'): string[] {
  const names: string[] = [];
  for (const line of output.split('\n')) {
    const match = line.match(/^([✓✗]) (\S+): \d+ passed/);
    if (match?.[1] === mark && match[2]) names.push(match[2]);
  }
  return names;
}

/** The suite's `Expected failures (in baseline):` list: `  ~ name` lines. */
export function baselineLines(output: string): string[] {
  return output.split('\n').flatMap((line) => line.match(/^ {2}~ (\S+)$/)?.[1] ?? []);
}
