import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression } from '../../src/tools/evaluate-expression.ts';
import { ToolInputError } from '../../src/tools/tool-result.ts';
import { rejection } from '../support/calculator-rejection.ts';

function approximately(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} is not close to ${expected}`);
}

describe('evaluateExpression: results', () => {
  const exact: Array<[string, number]> = [
    ['2+3*4', 14],
    ['(2+3)*4', 20],
    ['2^3^2', 512],
    ['-2^2', -4],
    ['(-2)^2', 4],
    ['2^-1', 0.5],
    ['-2^-2', -0.25],
    ['10 % 3', 1],
    ['-7 % 3', -1],
    ['7 - 2 - 1', 4],
    ['8 / 4 / 2', 1],
    ['--3', 3],
    ['+-+3', -3],
    ['2 * -3', -6],
    ['sqrt(16)', 4],
    ['log(e)', 1],
    ['log(8,2)', 3],
    ['log(1000, 10)', 3],
    ['log10(1000)', 3],
    ['exp(0)', 1],
    ['pow(2, 10)', 1024],
    ['degrees(pi)', 180],
    ['min(3,1,2)', 1],
    ['max(3,1,2)', 3],
    ['min(7)', 7],
    ['factorial(5)', 120],
    ['factorial(0)', 1],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(2.4)', 2],
    ['round(-0.4)', 0],
    ['ceil(1.2)', 2],
    ['floor(-1.2)', -2],
    ['abs(-5)', 5],
    ['1e3', 1000],
    ['2.5E-3', 0.0025],
    ['1.5e+2', 150],
    ['.5+.5', 1],
    ['1.5', 1.5],
    ['3.', 3],
    ['  \t( 1 +\n2 )  ', 3],
    ['-0', 0],
    ['1 / 10^300', 1e-300],
  ];
  for (const [source, expected] of exact) {
    it(`${JSON.stringify(source)} = ${expected}`, () => {
      assert.equal(evaluateExpression(source), expected);
    });
  }

  it('computes trigonometry to within rounding', () => {
    approximately(evaluateExpression('sin(radians(90))'), 1);
    approximately(evaluateExpression('cos(pi)'), -1);
    approximately(evaluateExpression('tan(pi/4)'), 1);
    approximately(evaluateExpression('degrees(asin(1))'), 90);
    approximately(evaluateExpression('degrees(acos(0))'), 90);
    approximately(evaluateExpression('degrees(atan(1))'), 45);
  });

  it('returns plain 0 rather than -0', () => {
    assert.ok(Object.is(evaluateExpression('-0'), 0));
    assert.ok(Object.is(evaluateExpression('round(-0.4)'), 0));
  });

  it('reaches the largest factorial that fits in a double', () => {
    assert.ok(Number.isFinite(evaluateExpression('factorial(170)')));
  });

  it('accepts input at the length and depth limits', () => {
    assert.equal(evaluateExpression(`${'1+'.repeat(499)}1`), 500); // 999 characters
    assert.equal(evaluateExpression(`${'('.repeat(100)}1${')'.repeat(100)}`), 1);
    assert.equal(evaluateExpression(`${'abs('.repeat(100)}-1${')'.repeat(100)}`), 1);
    assert.equal(evaluateExpression(`${'-'.repeat(998)}1`), 1);
  });
});

describe('evaluateExpression: errors', () => {
  it('is a ToolInputError, so the MCP layer reports it as an input problem', () => {
    assert.throws(() => evaluateExpression('1/0'), ToolInputError);
  });

  it('reports division and modulo by zero', () => {
    assert.equal(rejection('1/0'), 'division by zero');
    assert.equal(rejection('5%0'), 'division by zero');
    assert.equal(rejection('1/(2-2)'), 'division by zero');
    assert.equal(rejection('0^-1'), 'division by zero');
  });

  it('reports syntax errors with a 1-based position', () => {
    assert.equal(rejection(')('), 'unexpected ")" at position 1');
    assert.equal(rejection('(1+2))'), 'unexpected ")" at position 6');
    assert.equal(rejection('1 2'), 'unexpected "2" at position 3');
    assert.equal(rejection('1 + * 2'), 'unexpected "*" at position 5');
    assert.equal(rejection('2 +'), 'the expression is incomplete: it ends where a value was expected');
    assert.equal(rejection('(1+2'), 'missing ")" to close the "(" at position 1');
    assert.equal(rejection('max(1, 2'), 'missing ")" to close the "(" at position 4');
    assert.match(rejection('1,2'), /unexpected "," at position 2/);
    assert.match(rejection('2e'), /incomplete exponent/);
    assert.match(rejection('1.2.3'), /unexpected "\.3" at position 4/);
    assert.match(rejection('.'), /unexpected "\." at position 1/);
  });

  it('reports an empty expression', () => {
    assert.equal(rejection(''), 'the expression is empty');
    assert.equal(rejection('   \n\t'), 'the expression is empty');
  });

  it('checks arity with a clear message', () => {
    assert.equal(rejection('pow(1)'), 'pow takes exactly 2 arguments but was given 1');
    assert.equal(rejection('sqrt()'), 'sqrt takes exactly 1 argument but was given 0');
    assert.equal(rejection('sqrt(1, 2)'), 'sqrt takes exactly 1 argument but was given 2');
    assert.equal(rejection('log(1, 2, 3)'), 'log takes 1 or 2 arguments but was given 3');
    assert.equal(rejection('min()'), 'min takes at least 1 argument but was given 0');
    assert.match(rejection('sqrt'), /"sqrt" is a function/);
    assert.match(rejection('pi(2)'), /"pi" is a constant/);
    assert.match(rejection('max(1,)'), /unexpected "\)" at position 7/);
  });
});
