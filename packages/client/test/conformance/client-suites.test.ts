import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { generation } from '@mcp-auth/test-support/conformance';
import { runSuites, type SuiteResult, summarize } from '../../conformance/run-suites.ts';

/**
 * The MCP conformance suite's client suites against the client library, as `npm run conformance`
 * runs them, each generation of the suite with its own baseline (conformance/expected-failures-*.yml).
 * Everything runs offline: the suites' servers are the installed packages', on loopback. `core` is
 * `auth` plus the non-auth scenarios, so `auth` is not run twice here. A generation's run takes
 * about a minute and a half on a quiet 2-core machine; it is aborted past the budget, killing the
 * suite and the harness processes it started.
 */
const SUITES = ['backcompat', 'draft', 'extensions', 'core'] as const;
const RUN_BUDGET_MS = 280_000;
/** Per-scenario client timeout: one stuck scenario must not use up the whole budget. */
const CLIENT_TIMEOUT_MS = 90_000;

async function passesItsBaseline(t: TestContext, id: string): Promise<void> {
  let results: SuiteResult[];
  try {
    results = await runSuites({
      generations: [generation(id)],
      suites: SUITES,
      signal: AbortSignal.timeout(RUN_BUDGET_MS),
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
    });
  } catch (error) {
    assert.fail(`the conformance run did not finish: ${(error as Error).message}`);
  }
  for (const line of summarize(results).split('\n')) t.diagnostic(line);
  const failed = results.filter((result) => result.code !== 0);
  assert.deepEqual(
    failed.map((result) => result.suite),
    [],
    `${summarize(results)}\n\n${failed.map((result) => result.output.slice(-6000)).join('\n\n')}`,
  );
}

describe('MCP conformance client suites', () => {
  it(
    '0.1.16: every client suite passes with its expected-failures baseline',
    { timeout: RUN_BUDGET_MS + 10_000 },
    (t) => passesItsBaseline(t, '0.1'),
  );
  it(
    '0.2.0-alpha.12: every client suite passes with its expected-failures baseline',
    {
      timeout: RUN_BUDGET_MS + 10_000,
    },
    (t) => passesItsBaseline(t, '0.2'),
  );
});
