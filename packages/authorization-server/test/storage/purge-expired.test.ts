import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startExpiredPurge } from '../../src/storage/purge-expired.ts';
import type { ArtifactStore } from '../../src/storage/storage-backend.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeStore(purgeExpired: () => Promise<number>): ArtifactStore {
  return { purgeExpired } as unknown as ArtifactStore;
}

describe('periodic purge of expired artifacts', () => {
  it('purges on every interval until stopped', async () => {
    let calls = 0;
    const stop = startExpiredPurge(
      fakeStore(async () => ++calls),
      { intervalMs: 10, onError: (error) => assert.fail(String(error)) },
    );
    await tick(55);
    stop();
    const seen = calls;
    assert.ok(seen >= 2, `expected several purges, saw ${seen}`);
    await tick(30);
    assert.equal(calls, seen, 'no purge after stop');
  });

  it('reports a failing purge to onError and keeps going', async () => {
    const errors: unknown[] = [];
    const stop = startExpiredPurge(
      fakeStore(async () => {
        throw new Error('disk full');
      }),
      { intervalMs: 10, onError: (error) => errors.push(error) },
    );
    await tick(45);
    stop();
    assert.ok(errors.length >= 2);
    assert.match(String(errors[0]), /disk full/);
  });
});
