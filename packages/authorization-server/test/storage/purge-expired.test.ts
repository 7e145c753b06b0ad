import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { startExpiredPurge } from '../../src/storage/purge-expired.ts';
import type { ArtifactStore } from '../../src/storage/storage-backend.ts';

/**
 * Moves the mocked clock `ms` forward 1 ms at a time, letting each purge that comes due run to
 * its end (its promise settles on the next turn of the event loop), as real time would.
 */
async function tick(t: TestContext, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed++) {
    t.mock.timers.tick(1);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function fakeStore(purgeExpired: () => Promise<number>): ArtifactStore {
  return { purgeExpired } as unknown as ArtifactStore;
}

describe('periodic purge of expired artifacts', () => {
  it('purges on every interval until stopped', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let calls = 0;
    const stop = startExpiredPurge(
      fakeStore(async () => ++calls),
      { intervalMs: 10, onError: (error) => assert.fail(String(error)) },
    );
    await tick(t, 55);
    stop();
    const seen = calls;
    assert.ok(seen >= 2, `expected several purges, saw ${seen}`);
    await tick(t, 30);
    assert.equal(calls, seen, 'no purge after stop');
  });

  it('reports a failing purge to onError and keeps going', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const errors: unknown[] = [];
    const stop = startExpiredPurge(
      fakeStore(async () => {
        throw new Error('disk full');
      }),
      { intervalMs: 10, onError: (error) => errors.push(error) },
    );
    await tick(t, 45);
    stop();
    assert.ok(errors.length >= 2);
    assert.match(String(errors[0]), /disk full/);
  });
});
