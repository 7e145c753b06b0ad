import assert from 'node:assert/strict';
import { CalculatorError, evaluateExpression } from '../../src/tools/evaluate-expression.ts';

/** Asserts a CalculatorError (never a TypeError, RangeError, ...) and returns its message. */
export function rejection(source: string): string {
  const shown = JSON.stringify(String(source).slice(0, 60));
  try {
    evaluateExpression(source);
  } catch (error) {
    assert.ok(
      error instanceof CalculatorError,
      `expected a CalculatorError for ${shown}, got ${String(error)}`,
    );
    assert.equal(error.name, 'CalculatorError');
    // One line, for a person: no newlines sneaking in from the input.
    assert.doesNotMatch(error.message, /[\r\n\u2028\u2029]/);
    assert.ok(error.message.length > 0 && error.message.length < 200, error.message);
    return error.message;
  }
  assert.fail(`expected ${shown} to be rejected`);
}
