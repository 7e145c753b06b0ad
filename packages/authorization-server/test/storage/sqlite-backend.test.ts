import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite-schema.ts';
import { runStorageContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-sqlite-'));
const path = join(dir, 'store.db');
after(() => rmSync(dir, { recursive: true, force: true }));

runStorageContract('SQLite file', async () => openSqliteBackend({ path }), {
  openSecondConnection: async () => openSqliteBackend({ path }),
});
runStorageContract('SQLite in memory', async () => openSqliteBackend({ path: ':memory:' }));

describe('SQLite specifics', () => {
  it('the database file is owner-only and in WAL mode', async () => {
    const file = join(dir, 'perm.db');
    const backend = openSqliteBackend({ path: file });
    await backend.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const raw = new DatabaseSync(file);
    assert.equal((raw.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    raw.close();
  });

  it('four threads with their own connections racing to consume 200 codes: each code has exactly one winner', async () => {
    const file = join(dir, 'race.db');
    const backend = openSqliteBackend({ path: file });
    const keys = Array.from({ length: 200 }, (_, index) => `code-${index}`);
    for (const key of keys) {
      await backend.artifacts.upsert({
        model: 'AuthorizationCode',
        key,
        payload: {},
        expiresAt: Math.floor(Date.now() / 1000) + 60,
      });
    }
    await backend.close();
    const start = new Int32Array(new SharedArrayBuffer(4));
    const workers = Array.from(
      { length: 4 },
      () =>
        new Worker(new URL('./consume-worker.ts', import.meta.url), {
          workerData: { path: file, keys, start },
        }),
    );
    // Each worker says 'ready' once its connection is open, then waits for the start signal.
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const results = workers.map(
      (worker) =>
        new Promise<string[]>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const won = (await Promise.all(results)).flat();
    assert.equal(won.length, keys.length, 'every code consumed exactly once');
    assert.equal(new Set(won).size, keys.length, 'no code consumed twice');
  });

  it('a database at schema version 1 keeps every artifact, index and behaviour when artifacts becomes a rowid table', async () => {
    const file = join(dir, 'version-1.db');
    const old = new DatabaseSync(file);
    old.exec(SQLITE_MIGRATIONS[0] ?? '');
    old.exec('PRAGMA user_version = 1');
    const later = Math.floor(Date.now() / 1000) + 600;
    const insert = old.prepare(
      `INSERT INTO artifacts (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run('Client', 'client-1', '{"client_id":"client-1"}', null, null, null, null, null);
    insert.run('RefreshToken', 'rt-hash', '{"kind":"RefreshToken"}', later, later - 5, 'grant-1', null, null);
    insert.run('AccessToken', 'at-hash', '{"kind":"AccessToken"}', later, null, 'grant-1', null, null);
    insert.run('Session', 'session-hash', '{"accountId":"a1"}', later, null, null, 'uid-hash', null);
    insert.run(
      'DeviceCode',
      'device-hash',
      '{"kind":"DeviceCode"}',
      later,
      null,
      null,
      null,
      'user-code-hash',
    );
    old
      .prepare('INSERT INTO accounts (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)')
      .run('a1', 'alice', 'scrypt$hash', 1);
    const dump = (db: DatabaseSync) => db.prepare('SELECT * FROM artifacts ORDER BY model, key').all();
    const rowsBefore = dump(old);
    old.close();

    const backend = openSqliteBackend({ path: file });
    const raw = new DatabaseSync(file);
    assert.equal(
      (raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      SQLITE_MIGRATIONS.length,
    );
    assert.deepEqual(dump(raw), rowsBefore, 'every row, every column');
    const table = raw.prepare("SELECT sql FROM sqlite_schema WHERE name = 'artifacts'").get() as {
      sql: string;
    };
    assert.doesNotMatch(table.sql, /WITHOUT ROWID/i);
    const indexes = raw.prepare("SELECT name FROM pragma_index_list('artifacts') ORDER BY name").all();
    assert.deepEqual(
      indexes.map((index) => (index as { name: string }).name).filter((name) => !name.startsWith('sqlite_')),
      ['artifacts_expires_at', 'artifacts_grant_id', 'artifacts_uid', 'artifacts_user_code'],
    );
    assert.deepEqual(
      raw
        .prepare("SELECT \"unique\", origin FROM pragma_index_list('artifacts') WHERE origin = 'pk'")
        .all()
        .map((row) => ({ ...row })),
      [{ unique: 1, origin: 'pk' }],
      '(model, key) is still the unique primary key',
    );
    raw.close();

    const { artifacts } = backend;
    assert.deepEqual((await artifacts.find('Client', 'client-1'))?.payload, { client_id: 'client-1' });
    assert.deepEqual(await artifacts.consume('RefreshToken', 'rt-hash'), {
      outcome: 'already-consumed',
      grantId: 'grant-1',
    });
    assert.deepEqual((await artifacts.findByUid('Session', 'uid-hash'))?.payload, { accountId: 'a1' });
    assert.ok(await artifacts.findByUserCode('DeviceCode', 'user-code-hash'));
    await artifacts.upsert({ model: 'Client', key: 'client-1', payload: { client_id: 'client-1', v: 2 } });
    assert.deepEqual((await artifacts.find('Client', 'client-1'))?.payload, { client_id: 'client-1', v: 2 });
    await artifacts.revokeByGrantId('grant-1');
    assert.equal(await artifacts.find('AccessToken', 'at-hash'), undefined);
    assert.equal((await backend.accounts.findByUsername('ALICE'))?.id, 'a1', 'accounts are untouched');
    await backend.close();
    await openSqliteBackend({ path: file }).close(); // opening again migrates nothing
  });

  it('refuses a database written by a newer version', async () => {
    const file = join(dir, 'newer.db');
    await openSqliteBackend({ path: file }).close();
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA user_version = 99');
    raw.close();
    assert.throws(() => openSqliteBackend({ path: file }), /newer than this program knows/);
  });
});
