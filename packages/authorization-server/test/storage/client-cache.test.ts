import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdapterPayload } from 'oidc-provider';
import { createOidcAdapterFactory } from '../../src/provider/oidc-adapter.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { ArtifactStore, StorageBackend } from '../../src/storage/storage-backend.ts';

const LIFETIME_MS = 5000;

/** The store, counting the Client reads that reach it. */
function countingStore(artifacts: ArtifactStore) {
  const counts = { clientReads: 0 };
  const store: ArtifactStore = {
    ...artifacts,
    upsert: (record) => artifacts.upsert(record),
    find: async (model, key) => {
      if (model === 'Client') counts.clientReads++;
      return artifacts.find(model, key);
    },
    destroy: (model, key) => artifacts.destroy(model, key),
  };
  return { store, counts };
}

/**
 * An AS instance's adapter with a hand-driven clock, and a second instance on the same store
 * (no cache, like another process sharing a PostgreSQL database).
 */
function instances(backend: StorageBackend, options: { maxEntries?: number } = {}) {
  const clock = { now: 1_000_000 };
  const { store, counts } = countingStore(backend.artifacts);
  const here = createOidcAdapterFactory(store, {
    clientCache: { lifetimeMs: LIFETIME_MS, now: () => clock.now, ...options },
  })('Client');
  const elsewhere = createOidcAdapterFactory(backend.artifacts, { clientCache: { lifetimeMs: 0 } })('Client');
  return { here, elsewhere, clock, counts };
}

const client = (clientId: string, name: string): AdapterPayload => ({
  client_id: clientId,
  client_name: name,
  grant_types: ['client_credentials'],
  redirect_uris: [],
});

describe('client cache in the oidc-provider adapter', () => {
  it('answers repeated lookups of a client from memory (introspection looks it up twice)', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here, counts } = instances(backend);
    await here.upsert('c1', client('c1', 'one'));
    for (let index = 0; index < 5; index++) assert.equal((await here.find('c1'))?.client_name, 'one');
    assert.equal(counts.clientReads, 1);
    await backend.close();
  });

  it('a client updated or deleted on this instance is seen at once', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here } = instances(backend);
    await here.upsert('c1', client('c1', 'before'));
    assert.equal((await here.find('c1'))?.client_name, 'before');
    await here.upsert('c1', client('c1', 'after'));
    assert.equal((await here.find('c1'))?.client_name, 'after');
    await here.destroy('c1');
    assert.equal(await here.find('c1'), undefined);
    await backend.close();
  });

  it('a client changed or deleted by another instance is seen once the cache lifetime has passed', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here, elsewhere, clock } = instances(backend);
    await here.upsert('c1', client('c1', 'before'));
    assert.equal((await here.find('c1'))?.client_name, 'before');
    await elsewhere.upsert('c1', client('c1', 'after'));
    clock.now += LIFETIME_MS - 1;
    assert.equal((await here.find('c1'))?.client_name, 'before', 'within the lifetime: from memory');
    clock.now += 1;
    assert.equal((await here.find('c1'))?.client_name, 'after');
    await elsewhere.destroy('c1');
    clock.now += LIFETIME_MS;
    assert.equal(await here.find('c1'), undefined, 'a client removed elsewhere stops working here');
    await backend.close();
  });

  it('a missing client is not remembered: one registered elsewhere works here at once (RFC 7591 §3.2.1)', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here, elsewhere } = instances(backend);
    assert.equal(await here.find('new-client'), undefined);
    await elsewhere.upsert('new-client', client('new-client', 'fresh'));
    assert.equal((await here.find('new-client'))?.client_name, 'fresh');
    await backend.close();
  });

  it('every caller gets its own copy: changing an answer changes no later answer', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here, counts } = instances(backend);
    await here.upsert('c1', client('c1', 'one'));
    const first = (await here.find('c1')) as AdapterPayload & { grant_types: string[] };
    first.grant_types.push('authorization_code');
    first.client_name = 'changed by a caller';
    const second = (await here.find('c1')) as AdapterPayload & { grant_types: string[] };
    assert.deepEqual(second, client('c1', 'one'));
    second.grant_types.push('implicit');
    assert.deepEqual(await here.find('c1'), client('c1', 'one'));
    assert.equal(counts.clientReads, 1, 'the later answers came from memory');
    await backend.close();
  });

  it('keeps at most maxEntries clients, dropping the least recently used', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const { here, counts } = instances(backend, { maxEntries: 2 });
    for (const id of ['a', 'b', 'c'])
      await backend.artifacts.upsert({ model: 'Client', key: id, payload: client(id, id) });
    await here.find('a');
    await here.find('b');
    await here.find('a'); // a is now the most recently used
    await here.find('c'); // evicts b
    assert.equal(counts.clientReads, 3);
    await here.find('a');
    await here.find('c');
    assert.equal(counts.clientReads, 3, 'a and c stayed');
    await here.find('b');
    assert.equal(counts.clientReads, 4, 'b was evicted');
    await backend.close();
  });

  it('a read that raced a write on this instance is returned but not remembered', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The read sees the row before the write lands, and answers after it (a slow connection).
    const slowReads: ArtifactStore = {
      ...backend.artifacts,
      upsert: (record) => backend.artifacts.upsert(record),
      find: async (model, key) => {
        const record = await backend.artifacts.find(model, key);
        await gate;
        return record;
      },
    };
    const adapter = createOidcAdapterFactory(slowReads, { clientCache: { lifetimeMs: LIFETIME_MS } })(
      'Client',
    );
    await adapter.upsert('c1', client('c1', 'before'));
    const racing = adapter.find('c1');
    await adapter.upsert('c1', client('c1', 'after'));
    release();
    assert.equal((await racing)?.client_name, 'before');
    assert.equal((await adapter.find('c1'))?.client_name, 'after', 'the stale answer was not cached');
    await backend.close();
  });

  it('only clients are cached: other models are read from the store every time', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const adapter = createOidcAdapterFactory(backend.artifacts, { clientCache: { lifetimeMs: LIFETIME_MS } });
    await adapter('Grant').upsert('g1', { jti: 'g1', kind: 'Grant', accountId: 'a1' }, 600);
    assert.ok(await adapter('Grant').find('g1'));
    await backend.artifacts.destroy('Grant', 'g1');
    assert.equal(await adapter('Grant').find('g1'), undefined);
    await backend.close();
  });
});
