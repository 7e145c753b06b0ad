import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiringLruCache } from '../src/expiring-lru-cache.ts';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('ExpiringLruCache: a bounded cache whose entries expire at a deadline', () => {
  it('returns an entry until its expiresAt, and nothing from expiresAt on (expiry is exclusive)', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(10, now);
    cache.set('k', 'v', state.now + 1000);
    assert.equal(cache.get('k'), 'v');
    state.now += 999;
    assert.equal(cache.get('k'), 'v', 'one millisecond before expiry it is still there');
    state.now += 1;
    assert.equal(cache.get('k'), undefined, 'at expiresAt it is gone');
  });

  it('drops an expired entry when it is read, so it no longer counts towards the size', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(10, now);
    cache.set('a', 'A', state.now + 10);
    cache.set('b', 'B', state.now + 10_000);
    assert.equal(cache.size, 2);
    state.now += 10;
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('b'), 'B');
  });

  it('evicts the least recently inserted entry first when nothing was read', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(2, now);
    cache.set('a', 'A', state.now + 60_000);
    cache.set('b', 'B', state.now + 60_000);
    cache.set('c', 'C', state.now + 60_000);
    assert.equal(cache.get('a'), undefined, 'a was the oldest');
    assert.equal(cache.get('b'), 'B');
    assert.equal(cache.get('c'), 'C');
  });

  it('a get refreshes recency: the entry read last survives and the least recently used one is evicted', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(2, now);
    cache.set('a', 'A', state.now + 60_000);
    cache.set('b', 'B', state.now + 60_000);
    assert.equal(cache.get('a'), 'A'); // a is now more recent than b
    cache.set('c', 'C', state.now + 60_000);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
  });

  it('setting an existing key replaces its value and refreshes its recency without growing the cache', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(2, now);
    cache.set('a', 'A1', state.now + 60_000);
    cache.set('b', 'B', state.now + 60_000);
    cache.set('a', 'A2', state.now + 60_000);
    assert.equal(cache.size, 2);
    cache.set('c', 'C', state.now + 60_000);
    assert.equal(cache.get('b'), undefined, 'b became the least recently used when a was set again');
    assert.equal(cache.get('a'), 'A2');
  });

  it('never holds more than maxEntries entries, keeping the most recent ones', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<number>(3, now);
    for (let index = 0; index < 10; index += 1) {
      cache.set(`k${index}`, index, state.now + 60_000);
      assert.ok(cache.size <= 3, `size ${cache.size} after ${index + 1} inserts`);
    }
    assert.equal(cache.size, 3);
    assert.deepEqual(
      ['k7', 'k8', 'k9'].map((key) => cache.get(key)),
      [7, 8, 9],
    );
    assert.equal(cache.get('k6'), undefined);
  });

  it('does not store an entry that is already expired (expiresAt in the past or exactly now)', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(10, now);
    cache.set('past', 'x', state.now - 1);
    cache.set('now', 'y', state.now);
    assert.equal(cache.size, 0);
    assert.equal(cache.get('past'), undefined);
    assert.equal(cache.get('now'), undefined);
  });

  it('an already-expired set does not evict a live entry', () => {
    const { state, now } = clock();
    const cache = new ExpiringLruCache<string>(1, now);
    cache.set('live', 'L', state.now + 60_000);
    cache.set('dead', 'D', state.now - 1);
    assert.equal(cache.get('live'), 'L');
  });

  it('an already-expired set replaces, never keeps, an older live entry', () => {
    const { state, now } = clock(1000);
    const cache = new ExpiringLruCache<string>(10, now);
    cache.set('k', 'old', 5000);
    cache.set('k', 'new', 500);
    assert.equal(cache.get('k'), undefined);
    state.now = 1001;
    assert.equal(cache.get('k'), undefined, 'the old entry is gone, not merely hidden');
  });

  for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
    it(`a bound of ${maxEntries} is refused at construction, with a clear RangeError`, () => {
      assert.throws(() => new ExpiringLruCache<string>(maxEntries), RangeError);
    });
  }
});
