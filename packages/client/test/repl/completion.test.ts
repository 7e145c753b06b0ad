import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeLine } from '../../src/repl/completion.ts';

const names = async () => ['calculator', 'calendar', 'echo'];

describe('completeLine', () => {
  it('completes command names at the start of the line', async () => {
    assert.deepEqual(await completeLine('', names), [
      ['list', 'call', 'status', 'logout', 'help', 'quit', 'exit'],
      '',
    ]);
    assert.deepEqual(await completeLine('l', names), [['list', 'logout'], 'l']);
    assert.deepEqual(await completeLine('  sta', names), [['status'], 'sta']);
    assert.deepEqual(await completeLine('zz', names), [[], 'zz']);
  });

  it('completes tool names after call', async () => {
    assert.deepEqual(await completeLine('call ', names), [['calculator', 'calendar', 'echo'], '']);
    assert.deepEqual(await completeLine('call cal', names), [['calculator', 'calendar'], 'cal']);
    assert.deepEqual(await completeLine('call  ec', names), [['echo'], 'ec']);
  });

  it('offers nothing once the arguments start, or when the tools cannot be listed', async () => {
    assert.deepEqual(await completeLine('call echo {"', names), [[], 'call echo {"']);
    assert.deepEqual(await completeLine('list x', names), [[], 'list x']);
    const failing = async (): Promise<string[]> => {
      throw new Error('offline');
    };
    assert.deepEqual(await completeLine('call c', failing), [[], 'c']);
  });
});
