import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { startCommand } from '../../../resource-server/test/support/processes.ts';
import { createLogger, silentLogger, startAuthorizationServer } from '../../src/index.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import { AS_CLI, assertOneClearLine, escapeRegExp, runProgram } from '../support/programs.ts';
import { signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer } from '../support/test-server.ts';

const DATABASE = 'authorization-server.db';

/**
 * A full disk, simulated two ways without root or special mounts: `PRAGMA max_page_count`
 * through the backend's `onConnect` hook (writes that need a new page fail with SQLITE_FULL, as
 * on a full disk), and `ulimit -f` on a real `mcp-auth-as` process (its writes beyond the limit
 * fail in the kernel, which SQLite reports as SQLITE_IOERR_WRITE).
 */
describe('a full disk at start-up and while serving', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mcp-auth-disk-full-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('start-up on a full disk (SQLITE_FULL) names the file, the cause and what to do; nothing is half-migrated', async () => {
    const path = join(root, 'at-start', DATABASE);
    assert.throws(
      () => openSqliteBackend({ path, onConnect: (db) => db.exec('PRAGMA max_page_count = 2') }),
      (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^the disk holding ${escapeRegExp(path)} is full \\(SQLITE_FULL\\): free space or choose another --data-dir$`,
          ),
        );
        return true;
      },
    );
    const raw = new DatabaseSync(path);
    assert.equal((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 0);
    assert.deepEqual(
      raw.prepare('SELECT name FROM sqlite_schema').all(),
      [],
      'no table of a half-done migration',
    );
    raw.close();
    await openSqliteBackend({ path }).close(); // with room again, the same file is set up
  });

  it('start-up when the disk fills at COMMIT, which SQLite rolls back by itself: the disk error, not "cannot rollback"; the next start works', async () => {
    const dataDir = join(root, 'size-limited');
    // 32 KiB: room for the shared-memory file (32 KiB), not for the first migration's WAL frames.
    const result = await runProgram(AS_CLI, ['--port=0', `--data-dir=${dataDir}`], { fileSizeLimitKiB: 32 });
    assertOneClearLine(
      result,
      'mcp-auth-as',
      new RegExp(
        `cannot read or write ${escapeRegExp(join(dataDir, DATABASE))}: disk I/O error \\(SQLITE_IOERR_WRITE\\); ` +
          'the disk may be full, over a file size limit \\(ulimit -f\\) or failing',
      ),
    );
    assert.doesNotMatch(result.stderr, /cannot rollback/);
    const server = await startAuthorizationServer(
      { port: 0, host: '127.0.0.1', dataDir },
      { logger: silentLogger },
    );
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('a full disk while serving: 503 JSON server_error, a log line naming the file and SQLITE_FULL, no half-written record; writes resume once space is freed', async () => {
    const dataDir = join(root, 'serving');
    const path = join(dataDir, DATABASE);
    let connection: DatabaseSync | undefined;
    const backend = openSqliteBackend({ path, onConnect: (db) => (connection = db) });
    const log: Array<{ level: string; error?: { message: string } }> = [];
    const server = await startTestServer(
      { dataDir, rateLimits: { registrationPerMinute: 10_000, failedSignInsPerMinute: 10 } },
      { backend, logger: createLogger({ write: (line) => log.push(JSON.parse(line)) }) },
    );
    try {
      assert.ok(connection);
      const db: DatabaseSync = connection;
      const { client, tokens } = await signInNewClient(server);
      // The disk is full: the file may not grow by a single page.
      const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
      db.exec(`PRAGMA max_page_count = ${pages}`);

      const registered: string[] = [client.client_id];
      let refused: Response | undefined;
      for (let attempt = 0; attempt < 1000 && !refused; attempt++) {
        const response = await register(server.issuer);
        if (response.status === 201)
          registered.push(((await response.json()) as { client_id: string }).client_id);
        else refused = response;
      }
      assert.ok(refused, 'the disk filled up');
      assert.equal(refused.status, 503);
      assert.match(refused.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await refused.json()) as { error: string };
      assert.equal(body.error, 'server_error');
      assert.doesNotMatch(JSON.stringify(body), /SQLITE|\.db|disk/i, 'no internals in the answer');
      const logged = log.find(
        (entry) => entry.level === 'error' && /SQLITE_FULL/.test(entry.error?.message ?? ''),
      );
      assert.match(
        logged?.error?.message ?? '(no log line)',
        new RegExp(`the disk holding ${escapeRegExp(path)} is full \\(SQLITE_FULL\\): free space`),
      );

      // Reads go on; the database is whole and holds exactly the clients whose registration was answered.
      assert.equal((await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).status, 200);
      assert.equal(integrityOf(db), 'ok');
      const stored = db.prepare("SELECT key, payload FROM artifacts WHERE model = 'Client'").all() as Array<{
        key: string;
        payload: string;
      }>;
      for (const row of stored)
        assert.equal((JSON.parse(row.payload) as { client_id: string }).client_id, row.key);
      assert.deepEqual(stored.map((row) => row.key).sort(), [...registered].sort());

      // Space is freed: writes work again without a restart, and the earlier tokens still do.
      db.exec('PRAGMA max_page_count = 1073741823');
      assert.equal((await register(server.issuer)).status, 201);
      await registerPublicClient(server.issuer);
      const refreshed = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: client.client_id,
          refresh_token: tokens.refresh_token,
        }),
      });
      assert.equal(refreshed.status, 200);
    } finally {
      await server.dispose();
      await backend.close();
    }
  });

  it('a real process whose disk fills while serving keeps running and answering, and loses no answered write', async (t) => {
    const dataDir = join(root, 'real-process');
    // Set up with room, then serve with little: the next files and WAL frames soon hit the limit.
    const first = await startAuthorizationServer(
      { port: 0, host: '127.0.0.1', dataDir },
      { logger: silentLogger },
    );
    await first.close();
    const as = startCommand('bash', [
      '-c',
      'ulimit -f 64 && exec "$@"',
      'bash',
      process.execPath,
      AS_CLI,
      '--port=0',
      `--data-dir=${dataDir}`,
      '--log-level=info',
    ]);
    const registered: string[] = [];
    try {
      const banner = await as.waitFor(/MCP Authorization Server\s+http:\/\/localhost:\d+/);
      const issuer = /MCP Authorization Server\s+(http:\/\/localhost:\d+)/.exec(banner)?.[1] ?? '';
      let refused: Response | undefined;
      for (let attempt = 0; attempt < 19 && !refused; attempt++) {
        const response = await register(issuer, 'x'.repeat(2000));
        if (response.status === 201)
          registered.push(((await response.json()) as { client_id: string }).client_id);
        else refused = response;
      }
      t.diagnostic(`${registered.length} registrations before the limit`);
      assert.ok(refused, 'the size limit was reached');
      assert.equal(refused.status, 503, await refused.clone().text());
      assert.equal(((await refused.json()) as { error: string }).error, 'server_error');
      assert.equal((await fetch(`${issuer}/healthz`)).status, 200, 'still serving');
      assert.equal(as.child.exitCode, null, 'still running');
      assert.match(
        as.output(),
        new RegExp(`cannot read or write ${escapeRegExp(join(dataDir, DATABASE))}: disk I/O error`),
      );
      assert.equal(await as.stop(), 0);
    } finally {
      await as.stop();
    }
    // Restarted with room: every client that was answered 201 is there, whole.
    const db = new DatabaseSync(join(dataDir, DATABASE));
    try {
      assert.equal(integrityOf(db), 'ok');
      const stored = new Set(
        (db.prepare("SELECT key FROM artifacts WHERE model = 'Client'").all() as Array<{ key: string }>).map(
          (row) => row.key,
        ),
      );
      for (const clientId of registered)
        assert.ok(stored.has(clientId), `${clientId} was answered 201 and is kept`);
    } finally {
      db.close();
    }
  });
});

/** RFC 7591 registration of a public client; `padding` makes its record bigger. */
function register(issuer: string, padding = ''): Promise<Response> {
  return fetch(`${issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: `Disk filler ${padding}`.trim(),
      redirect_uris: ['http://127.0.0.1:3030/callback'],
      token_endpoint_auth_method: 'none',
    }),
  });
}

/** `PRAGMA integrity_check`: every page, every index against its table. */
function integrityOf(db: DatabaseSync): string {
  const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).join('\n');
}
