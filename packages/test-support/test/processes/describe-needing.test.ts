import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REQUIRE_ALL_TESTS } from '../../src/availability.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/suite-needing-a-missing-tool.ts', import.meta.url));

/** `node --test` over the fixture, as `npm test` runs files (TAP: off a terminal). */
function runFixture(env: NodeJS.ProcessEnv) {
  // NODE_TEST_CONTEXT would make the inner runner report to this one instead of printing TAP.
  const { [REQUIRE_ALL_TESTS]: _, NODE_TEST_CONTEXT: __, ...rest } = process.env;
  return promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', FIXTURE], {
    env: { ...rest, ...env },
    timeout: 60_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => error,
  );
}

describe('a suite that needs a missing tool', () => {
  it('is one skipped test in the summary, with the reason, and none of its hooks run', async () => {
    const { code, stdout } = await runFixture({});
    assert.equal(code, 0);
    assert.match(
      stdout,
      /^ok 1 - a suite needing the frobnicator # SKIP frobnicator not found: install it$/m,
    );
    assert.match(stdout, /^# skipped 1$/m);
    assert.doesNotMatch(stdout, /the hook ran/);
  });

  it('fails the run, with the reason, where every test must run (CI)', async () => {
    const { code, stdout } = await runFixture({ [REQUIRE_ALL_TESTS]: '1' });
    assert.equal(code, 1);
    assert.match(
      stdout,
      /frobnicator not found: install it \(MCP_AUTH_REQUIRE_ALL_TESTS is set: no test may be skipped\)/,
    );
    assert.match(stdout, /^# skipped 0$/m);
    assert.match(stdout, /^# fail 1$/m);
  });
});
