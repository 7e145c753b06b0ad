import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgumentsJson } from '../../src/repl/arguments-json.ts';
import { parseCommand } from '../../src/repl/parse-command.ts';

describe('parseCommand', () => {
  it('knows the plain commands, with exit meaning quit', () => {
    for (const kind of ['list', 'help', 'status', 'logout', 'quit'] as const) {
      assert.deepEqual(parseCommand(`  ${kind} `), { kind });
    }
    assert.deepEqual(parseCommand('exit'), { kind: 'quit' });
  });

  it('treats blank lines as nothing to do', () => {
    assert.deepEqual(parseCommand(''), { kind: 'empty' });
    assert.deepEqual(parseCommand(' \t '), { kind: 'empty' });
  });

  it('keeps the JSON after call <tool> exactly as typed, spaces and all', () => {
    assert.deepEqual(parseCommand('call calculator {"expression": "2 + 3 * 4"}'), {
      kind: 'call',
      tool: 'calculator',
      argumentsJson: '{"expression": "2 + 3 * 4"}',
    });
    assert.deepEqual(parseCommand('call\tcalculator'), { kind: 'call', tool: 'calculator' });
  });

  it('explains what is wrong instead of guessing', () => {
    assert.deepEqual(parseCommand('call'), {
      kind: 'invalid',
      message: 'usage: call <tool> [json arguments]',
    });
    assert.deepEqual(parseCommand('list everything'), {
      kind: 'invalid',
      message: 'list takes no arguments',
    });
    assert.deepEqual(parseCommand('lsit'), {
      kind: 'invalid',
      message: 'unknown command "lsit"; type help to see the commands',
    });
  });
});

describe('parseArgumentsJson', () => {
  it('accepts a JSON object', () => {
    assert.deepEqual(parseArgumentsJson('{"a": [1, {"b": null}]}'), {
      ok: true,
      args: { a: [1, { b: null }] },
    });
  });

  it('gives a short reason for anything else', () => {
    const broken = parseArgumentsJson('{"a": ');
    assert.equal(broken.ok, false);
    assert.match(broken.ok ? '' : broken.message, /^the arguments are not valid JSON: .+/);
    for (const notAnObject of ['[]', '"text"', '42', 'null']) {
      assert.deepEqual(parseArgumentsJson(notAnObject), {
        ok: false,
        message: 'the arguments must be a JSON object, e.g. {"expression":"2+2"}',
      });
    }
  });
});
