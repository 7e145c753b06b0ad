import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_SUITES, runSuites, type SuiteResult, summarize } from '../../conformance/run-suites.ts';

/**
 * The MCP conformance suite's client suites (auth, backcompat, draft, extensions) against the
 * client library, as `npm run conformance` runs them, with conformance/expected-failures.yml as
 * the baseline. The whole run normally takes well under a minute; `npm test` gives a test file
 * 180 s (--test-timeout), so the run is aborted before that, killing the suite and the harness
 * processes it started.
 */
const RUN_BUDGET_MS = 165_000;
/** Per-scenario client timeout: one stuck scenario must not use up the whole budget. */
const CLIENT_TIMEOUT_MS = 60_000;

describe('MCP conformance client suites', () => {
  it(`pass with the expected-failures baseline (${CLIENT_SUITES.join(', ')})`, {
    timeout: RUN_BUDGET_MS + 10_000,
  }, async (t) => {
    let results: SuiteResult[];
    try {
      results = await runSuites({
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
  });
});
