import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerceAnswer, schemaType } from '../../src/repl/coerce-answer.ts';
import { promptForArguments } from '../../src/repl/prompt-arguments.ts';
import type { ToolInfo } from '../../src/repl/repl-session.ts';

describe('coerceAnswer', () => {
  it('turns answers into the schema type', () => {
    assert.deepEqual(coerceAnswer(' 2.5 ', { type: 'number' }), { ok: true, value: 2.5 });
    assert.deepEqual(coerceAnswer('-7', { type: 'integer' }), { ok: true, value: -7 });
    assert.deepEqual(coerceAnswer('Yes', { type: 'boolean' }), { ok: true, value: true });
    assert.deepEqual(coerceAnswer('false', { type: 'boolean' }), { ok: true, value: false });
    assert.deepEqual(coerceAnswer('["a", "b"]', { type: 'array' }), { ok: true, value: ['a', 'b'] });
    assert.deepEqual(coerceAnswer('{"k": 1}', { type: 'object' }), { ok: true, value: { k: 1 } });
    assert.deepEqual(coerceAnswer('42', {}), { ok: true, value: '42' }, 'no type means string');
  });

  it('says why an answer does not fit', () => {
    assert.deepEqual(coerceAnswer('ten', { type: 'number' }), {
      ok: false,
      message: '"ten" is not a number',
    });
    assert.deepEqual(coerceAnswer('1.5', { type: 'integer' }), {
      ok: false,
      message: '"1.5" is not a whole number',
    });
    assert.deepEqual(coerceAnswer('maybe', { type: 'boolean' }), {
      ok: false,
      message: 'answer true or false',
    });
    assert.deepEqual(coerceAnswer('{"k": 1}', { type: 'array' }), {
      ok: false,
      message: 'a JSON array is needed, e.g. ["a", "b"]',
    });
    const broken = coerceAnswer('[1,', { type: 'array' });
    assert.match(broken.ok ? '' : broken.message, /^not valid JSON: /);
  });

  it('holds answers to the enum', () => {
    const schema = { type: 'string', enum: ['celsius', 'fahrenheit'] };
    assert.deepEqual(coerceAnswer('celsius', schema), { ok: true, value: 'celsius' });
    assert.deepEqual(coerceAnswer('kelvin', schema), {
      ok: false,
      message: 'must be one of "celsius", "fahrenheit"',
    });
  });

  it('asks for the first non-null type of a union', () => {
    assert.equal(schemaType({ type: ['null', 'integer'] }), 'integer');
    assert.equal(schemaType({ type: ['null'] }), 'string');
  });
});

describe('promptForArguments', () => {
  const tool: ToolInfo = {
    name: 'forecast',
    inputSchema: {
      type: 'object',
      properties: {
        days: { type: 'integer', default: 3, description: 'how far ahead' },
        units: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        city: { type: 'string', description: 'where\nsecond line is not shown' },
      },
      required: ['city', 'units'],
    },
  };

  async function answer(answers: string[]) {
    const prompts: string[] = [];
    const said: string[] = [];
    const result = await promptForArguments(
      tool,
      async (prompt) => {
        prompts.push(prompt);
        return answers.shift();
      },
      (line) => said.push(line),
    );
    return { result, prompts, said };
  }

  it('asks required properties first, in schema order, showing type, default and choices', async () => {
    const { result, prompts, said } = await answer(['celsius', 'Oslo', '']);
    assert.deepEqual(prompts, [
      '  units (string, required, one of "celsius", "fahrenheit"): ',
      '  city (string, required): ',
      '  days (integer, optional, default 3): ',
    ]);
    assert.deepEqual(said, [
      'arguments for forecast (an empty answer skips an optional one):',
      '  city: where',
      '  days: how far ahead',
    ]);
    assert.deepEqual(result, { ok: true, args: { city: 'Oslo', units: 'celsius', days: 3 } });
  });

  it('asks again once with the reason, then gives up', async () => {
    const once = await answer(['', 'fahrenheit', 'Oslo', 'x', '7']);
    assert.deepEqual(once.result, { ok: true, args: { units: 'fahrenheit', city: 'Oslo', days: 7 } });
    assert.ok(once.said.includes('  a value is required; try again'));
    assert.ok(once.said.includes('  "x" is not a number; try again'));

    const twice = await answer(['kelvin', 'rankine']);
    assert.deepEqual(twice.result, {
      ok: false,
      reason: 'invalid',
      message: 'units: must be one of "celsius", "fahrenheit"',
    });
  });

  it('stops when the answers stop', async () => {
    assert.deepEqual((await answer(['celsius'])).result, { ok: false, reason: 'stopped' });
  });

  it('asks nothing for a tool without properties', async () => {
    const bare = await promptForArguments(
      { name: 'ping', inputSchema: { type: 'object' } },
      async () => assert.fail('nothing to ask'),
      () => assert.fail('nothing to say'),
    );
    assert.deepEqual(bare, { ok: true, args: {} });
  });
});
