import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejection } from '../support/calculator-rejection.ts';
import { callTool, toolResultOf } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * The tools take text from anyone holding a token. The calculator parses it without `eval`
 * (its own grammar, src/tools/evaluate-expression.ts), with bounds on length, nesting and
 * factorial, and refuses non-finite results and every name it does not define, inherited object
 * keys included. Hostile input to any tool is a tool error or an invalid-params error, never a
 * crash, a hang, a 5xx or a changed prototype.
 */
describe('tool input attacks: the calculator on its own', () => {
  it('reports unknown names, including inherited object keys', () => {
    assert.equal(rejection('foo'), 'unknown name "foo"');
    assert.equal(rejection('foo(1)'), 'unknown name "foo"');
    assert.equal(rejection('__proto__'), 'unknown name "__proto__"');
    assert.equal(rejection('toString'), 'unknown name "toString"');
    assert.equal(rejection('constructor'), 'unknown name "constructor"');
    assert.equal(rejection("constructor.constructor('return process')()"), 'unknown name "constructor"');
    assert.equal(rejection('hasOwnProperty(1)'), 'unknown name "hasOwnProperty"');
    assert.equal(rejection('PI'), 'unknown name "PI"');
  });

  it('rejects results that are too large or not real', () => {
    assert.equal(rejection('1e308^1e308'), 'the result is too large to represent');
    assert.equal(rejection('10^400'), 'the result is too large to represent');
    assert.equal(rejection('1e400'), 'the result is too large to represent');
    assert.equal(rejection('exp(1000)'), 'the result is too large to represent');
    assert.equal(rejection('-1e308 * 10'), 'the result is too large to represent');
    // An intermediate overflow must not quietly turn into 0.
    assert.equal(rejection('1 / 10^400'), 'the result is too large to represent');
    assert.equal(rejection('sqrt(-1)'), 'the result is not a real number');
    assert.equal(rejection('asin(2)'), 'the result is not a real number');
    assert.equal(rejection('(-8)^(1/3)'), 'the result is not a real number');
    assert.equal(rejection('log(-1)'), 'the result is not a real number');
    assert.match(rejection('log(0)'), /logarithm of zero/);
    assert.match(rejection('log10(0)'), /logarithm of zero/);
    assert.match(rejection('log(8, 1)'), /base of a logarithm/);
    assert.match(rejection('log(8, -2)'), /base of a logarithm/);
  });

  it('limits factorial to whole numbers from 0 to 170', () => {
    const message = 'factorial is defined here for whole numbers from 0 to 170';
    assert.equal(rejection('factorial(1e9)'), message);
    assert.equal(rejection('factorial(2.5)'), message);
    assert.equal(rejection('factorial(-1)'), message);
    assert.equal(rejection('factorial(171)'), message);
  });

  it('rejects unicode and other junk characters', () => {
    assert.equal(rejection('1 + ☃'), 'unexpected "☃" at position 5');
    // Positions count characters, not UTF-16 halves of an emoji.
    assert.equal(rejection('😀😀'), 'unexpected "😀" at position 1');
    assert.equal(rejection('1+😀'), 'unexpected "😀" at position 3');
    assert.equal(rejection('٣'), 'unexpected "٣" at position 1');
    assert.equal(rejection('1\u0000'), 'unexpected character U+0000 at position 2');
    assert.equal(rejection('1\u202e+2'), 'unexpected character U+202E at position 2');
    assert.equal(rejection('1\u2028'), 'unexpected character U+2028 at position 2');
    assert.equal(rejection('\ud800'), 'unexpected character U+D800 at position 1');
    rejection('２+2'); // full-width digit
    rejection('1 = 1');
    rejection('x => 1');
    rejection('`1`');
    assert.equal(rejection('"1"'), `unexpected '"' at position 1`);
    rejection('[1]');
  });

  // The work is bounded by construction, not by a clock: input past MAX_EXPRESSION_LENGTH is
  // refused before parsing, and parsing stops at MAX_NESTING_DEPTH, so no input can recurse deep
  // enough to overflow the stack or loop long enough to hang.
  it('rejects hostile input by its length and nesting bounds, without a stack overflow', () => {
    const megabyte = `${'1+'.repeat(500_000)}1`;
    assert.match(rejection(megabyte), /too long \(1000001 characters; the limit is 1000\)/);
    assert.match(rejection(`${'('.repeat(10_000)}1${')'.repeat(10_000)}`), /too long/);
    assert.match(rejection('x'.repeat(1001)), /too long/);
    assert.match(rejection(`${'('.repeat(101)}1${')'.repeat(101)}`), /nested too deeply/);
    assert.match(rejection('('.repeat(1000)), /nested too deeply/);
    assert.match(rejection(`${'sqrt('.repeat(101)}1${')'.repeat(101)}`), /nested too deeply/);
    assert.match(rejection(`${'2^'.repeat(499)}2`), /too large/);
    rejection(`${'-'.repeat(1000)}`);
    rejection(`${'1e'.repeat(500)}`);
    rejection('9'.repeat(1000));
  });

  it('rejects values that are not strings', () => {
    assert.match(rejection(undefined as unknown as string), /must be text/);
    assert.match(rejection(42 as unknown as string), /must be text/);
  });
});

describe('tool input attacks: through MCP, at the real server', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack();
    token = await stack.token();
  });
  after(() => stack.close());

  /** Calls a tool; the answer is a tool error or an invalid-params error, never a 5xx. */
  async function refused(name: string, args: unknown): Promise<string> {
    const response = await callTool(stack.resourceUrl, token, name, args);
    assert.ok(response.status < 500, `${name}: ${response.status}`);
    const result = await toolResultOf(response);
    if (result.error) return result.error.message;
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args).slice(0, 80)} was not refused`);
    return result.content?.map((block) => block.text ?? '').join(' ') ?? '';
  }

  async function assertStillServing(): Promise<void> {
    const result = await toolResultOf(
      await callTool(stack.resourceUrl, token, 'calculator', { expression: '2+3*4' }),
    );
    assert.deepEqual(result.structuredContent, { expression: '2+3*4', result: 14 });
  }

  it('a megabyte of expression, 10,000 parentheses deep or long, is a tool error; the server goes on', async () => {
    assert.match(await refused('calculator', { expression: `${'1+'.repeat(500_000)}1` }), /too long/);
    assert.match(
      await refused('calculator', { expression: `${'('.repeat(10_000)}1${')'.repeat(10_000)}` }),
      /too long/,
    );
    assert.match(
      await refused('calculator', { expression: `${'('.repeat(101)}1${')'.repeat(101)}` }),
      /nested too deeply/,
    );
    await assertStillServing();
  });

  it('factorial out of bounds and non-finite results are tool errors', async () => {
    for (const expression of ['factorial(171)', 'factorial(-1)', 'factorial(0.5)', 'factorial(1e300)']) {
      assert.match(await refused('calculator', { expression }), /factorial/, expression);
    }
    for (const expression of ['1e308*10', '10^400', '-(1e308*10)', '0^-1', 'sqrt(-1)', 'log(0)']) {
      assert.ok((await refused('calculator', { expression })).length > 0, expression);
    }
  });

  it('an expression that is not text (number, object, array, null) is invalid params', async () => {
    for (const expression of [42, { toString: '1+1' }, ['1+1'], null, true]) {
      await refused('calculator', { expression });
    }
    await refused('calculator', {});
    await refused('calculator', 'not an object');
  });

  it('prototype-pollution keys in arguments change no prototype', async () => {
    const hostile = JSON.parse(
      '{"expression":"1+1","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    const response = await callTool(stack.resourceUrl, token, 'calculator', hostile);
    assert.ok(response.status < 500);
    await response.body?.cancel();
    for (const [name, args] of [
      ['get_time', { timezone: '__proto__' }],
      ['get_time', { timezone: 'constructor' }],
      ['get_weather', { city: '__proto__', country: 'US' }],
    ] as const) {
      const answer = await callTool(stack.resourceUrl, token, name, args);
      assert.ok(answer.status < 500, name);
      await answer.body?.cancel();
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was changed');
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    assert.match(await refused('calculator', { expression: '__proto__' }), /unknown name/);
    assert.match(await refused('calculator', { expression: 'constructor' }), /unknown name/);
    await assertStillServing();
  });

  it('unicode look-alikes and controls are refused; names of places in any script are fine', async () => {
    for (const expression of ['１+１', '1\u202e+2', '٣+1', '1\u0000', '2\u20133']) {
      await refused('calculator', { expression });
    }
    for (const timezone of ['../../etc/passwd', 'Europe/Paris\u0000', 'x'.repeat(10_000), '🕰️']) {
      await refused('get_time', { timezone });
    }
    await refused('get_weather', { city: 'x'.repeat(10_000) });
    await refused('get_weather', { city: 'Paris', country: '🇫🇷' });
    const result = await toolResultOf(
      await callTool(stack.resourceUrl, token, 'get_weather', { city: 'Zürich 東京', country: 'CH' }),
    );
    assert.equal(result.isError ?? false, false);
  });
});
