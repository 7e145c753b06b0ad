import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allTestsRequired,
  REQUIRE_ALL_TESTS,
  RequiredToolMissingError,
  skipUnlessFound,
} from '../../src/availability.ts';

describe('a test that needs a tool of the machine', () => {
  it('runs when the tool is found', () => {
    assert.deepEqual(skipUnlessFound({ found: '/usr/bin/chromium' }, {}), {});
  });

  it('is skipped with the one-line reason when the tool is missing', () => {
    assert.deepEqual(skipUnlessFound({ missing: 'nginx not found: install it' }, {}), {
      skip: 'nginx not found: install it',
    });
  });

  it('fails instead of skipping where every test must run (CI)', () => {
    assert.throws(
      () => skipUnlessFound({ missing: 'nginx not found: install it' }, { [REQUIRE_ALL_TESTS]: '1' }),
      (error: Error) =>
        error instanceof RequiredToolMissingError &&
        error.message === `nginx not found: install it (${REQUIRE_ALL_TESTS} is set: no test may be skipped)`,
    );
    assert.deepEqual(skipUnlessFound({ found: 'nginx' }, { [REQUIRE_ALL_TESTS]: '1' }), {});
  });

  it('MCP_AUTH_REQUIRE_ALL_TESTS is on for any value but empty and 0', () => {
    assert.equal(allTestsRequired({}), false);
    assert.equal(allTestsRequired({ [REQUIRE_ALL_TESTS]: '' }), false);
    assert.equal(allTestsRequired({ [REQUIRE_ALL_TESTS]: '0' }), false);
    assert.equal(allTestsRequired({ [REQUIRE_ALL_TESTS]: '1' }), true);
    assert.equal(allTestsRequired({ [REQUIRE_ALL_TESTS]: 'true' }), true);
  });
});
