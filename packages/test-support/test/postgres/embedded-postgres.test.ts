import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/postgres/embedded-postgres.ts';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The PostgreSQL a machine without one gets: the npm registry's binaries, started whatever user
 * runs the tests (as root: as "nobody"), never outliving the run.
 */
describe('embedded PostgreSQL for machines without one', () => {
  it('PostgreSQL 18 on a loopback port, password required, database "test"; stop deletes its folder', async () => {
    const database = await startEmbeddedPostgres();
    try {
      const url = new URL(database.url);
      assert.equal(url.hostname, '127.0.0.1');
      assert.ok(url.password.length >= 20, 'a random password');
      const [row] = await query<{ version: string; database: string }>(
        database.url,
        'SELECT current_setting($$server_version$$) AS version, current_database() AS database',
      );
      assert.match(row?.version ?? '', /^18\./);
      assert.equal(row?.database, 'test');
      url.password = 'wrong';
      await assert.rejects(query(url.href, 'SELECT 1'), /password authentication failed/);
      assert.equal(await exists(database.folder), true);
    } finally {
      await database.stop();
    }
    assert.equal(await exists(database.folder), false, 'binaries and data deleted');
    await assert.rejects(query(database.url, 'SELECT 1'), /ECONNREFUSED/);
  });

  it('stops and deletes its folder when the process that started it is killed (SIGKILL)', {
    timeout: 60_000,
  }, async () => {
    // The owner: starts a supervised PostgreSQL tied to its own life, prints it, then idles.
    const owner = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { startSupervisedPostgres } = await import(${JSON.stringify(new URL('../../src/postgres/supervised-postgres.ts', import.meta.url).href)});
         const database = await startSupervisedPostgres();
         console.log(JSON.stringify({ url: database.url, folder: database.folder }));
         setInterval(() => {}, 60_000);`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let errors = '';
    owner.stderr.on('data', (chunk) => (errors += chunk));
    const [line] = (await Promise.race([
      once(createInterface({ input: owner.stdout }), 'line'),
      once(owner, 'exit').then(() => assert.fail(`the owner exited: ${errors}`)),
    ])) as [string];
    const database = JSON.parse(line) as { url: string; folder: string };
    assert.deepEqual(await query(database.url, 'SELECT 1 AS one'), [{ one: 1 }]);
    // The supervisor shares the owner's stderr: the pipe ends once the supervisor has cleaned
    // up and exited (an event to wait for, not a poll).
    const stderrEnded = once(owner.stderr, 'end');
    owner.kill('SIGKILL');
    await stderrEnded;
    assert.equal(await exists(database.folder), false, 'binaries and data deleted');
    await assert.rejects(query(database.url, 'SELECT 1'), /ECONNREFUSED/);
  });
});
