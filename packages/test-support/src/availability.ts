import { describe, it, type TestOptions } from 'node:test';

/**
 * What a test needs from the machine (Chromium, nginx, an older Node) is either found or missing
 * for a reason a person can act on. A missing one skips the test with that one-line reason, except
 * where every test must run (CI sets MCP_AUTH_REQUIRE_ALL_TESTS=1): there it is a failure.
 */
export type Availability<T> =
  | { readonly found: T; readonly missing?: undefined }
  | { readonly found?: undefined; readonly missing: string };

export const REQUIRE_ALL_TESTS = 'MCP_AUTH_REQUIRE_ALL_TESTS';

export class RequiredToolMissingError extends Error {
  override readonly name = 'RequiredToolMissingError';
}

/** True when a skip must fail instead (`MCP_AUTH_REQUIRE_ALL_TESTS=1`, as `.ci/run` sets it). */
export function allTestsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[REQUIRE_ALL_TESTS];
  return value !== undefined && value !== '' && value !== '0';
}

/**
 * `node:test` options for a test or suite that needs `availability`: none when found,
 * `{ skip: reason }` when missing. Where all tests are required it throws instead, so the test
 * file fails with the reason rather than passing without having run.
 */
export function skipUnlessFound(
  availability: Availability<unknown>,
  env: NodeJS.ProcessEnv = process.env,
): { skip?: string } {
  if (availability.missing === undefined) return {};
  if (allTestsRequired(env)) {
    throw new RequiredToolMissingError(
      `${availability.missing} (${REQUIRE_ALL_TESTS} is set: no test may be skipped)`,
    );
  }
  return { skip: availability.missing };
}

/**
 * A suite that needs `availability`: the suite when found. When missing, one skipped test in its
 * place, named like it and giving the reason, so that the run's summary counts it (node:test
 * leaves a skipped suite out of its "skipped" count) and none of its hooks run.
 */
export function describeNeeding(
  availability: Availability<unknown>,
  name: string,
  options: TestOptions,
  suite: () => void,
): void {
  const { skip } = skipUnlessFound(availability);
  if (skip) it(name, { skip }, () => {});
  else describe(name, options, suite);
}
