import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cancelled, untilAborted } from '../../src/repl/until-aborted.ts';

describe('untilAborted', () => {
  it('settles like the work when nothing aborts', async () => {
    assert.equal(await untilAborted(Promise.resolve(7), new AbortController().signal), 7);
    await assert.rejects(
      untilAborted(Promise.reject(new Error('boom')), new AbortController().signal),
      /boom/,
    );
  });

  it('rejects with Cancelled as soon as the signal aborts, even if the work never ends', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise(() => {}), controller.signal);
    controller.abort();
    await assert.rejects(waiting, Cancelled);
  });

  it('is cancelled at once for a signal that already aborted, without an unhandled failure', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(untilAborted(Promise.reject(new Error('late')), controller.signal), Cancelled);
  });
});
