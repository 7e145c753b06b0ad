import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
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
    const results = workers.map(
      (worker) =>
        new Promise<string[]>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    const won = (await Promise.all(results)).flat();
    assert.equal(won.length, keys.length, 'every code consumed exactly once');
    assert.equal(new Set(won).size, keys.length, 'no code consumed twice');
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
