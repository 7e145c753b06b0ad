import assert from 'node:assert/strict';
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { describe, it } from 'node:test';
import { createGuardedLookup } from '../../src/client-metadata/guarded-lookup.ts';
import { SafeFetchError } from '../../src/client-metadata/safe-fetch-error.ts';

/** A resolver with a fixed answer, recording the options it was called with. */
function resolver(answer: LookupAddress[], seen: Array<{ all?: boolean }> = []): typeof dnsLookup {
  return ((_name: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    seen.push(options);
    callback(null, answer);
  }) as never;
}

function run(lookup: ReturnType<typeof createGuardedLookup>, hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; result: unknown }>((resolve) => {
    lookup(hostname, { all }, (error, address, family) =>
      resolve({ error, result: all ? address : { address, family } }),
    );
  });
}

describe('guarded DNS lookup', () => {
  const publicAnswer = [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ];

  it('passes allowed answers through, in both callback shapes', async () => {
    const seen: Array<{ all?: boolean }> = [];
    const lookup = createGuardedLookup(resolver(publicAnswer, seen), false);
    assert.deepEqual((await run(lookup, 'client.example', true)).result, publicAnswer);
    assert.deepEqual((await run(lookup, 'client.example', false)).result, publicAnswer[0]);
    assert.ok(
      seen.every((options) => options.all === true),
      'always asks for every address',
    );
  });

  it('refuses a name whose answers mix public and private addresses', async () => {
    const mixed = [...publicAnswer, { address: '10.1.2.3', family: 4 }];
    const { error } = await run(createGuardedLookup(resolver(mixed), false), 'client.example', true);
    assert.ok(error instanceof SafeFetchError);
    assert.equal(error.reason, 'address');
  });

  it('refuses an empty answer', async () => {
    const { error } = await run(createGuardedLookup(resolver([]), false), 'client.example', false);
    assert.ok(error instanceof SafeFetchError);
  });

  it('checks IP literals without asking the resolver', async () => {
    const seen: Array<{ all?: boolean }> = [];
    const lookup = createGuardedLookup(resolver(publicAnswer, seen), true);
    assert.equal((await run(lookup, '127.0.0.1', false)).error, null);
    assert.ok((await run(lookup, '169.254.169.254', false)).error instanceof SafeFetchError);
    assert.equal(seen.length, 0);
  });

  it('passes resolver errors through unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    const failing = ((_n: string, _o: unknown, callback: (error: Error) => void) =>
      callback(failure)) as never;
    const { error } = await run(createGuardedLookup(failing, false), 'nowhere.invalid', false);
    assert.equal(error, failure);
  });
});
