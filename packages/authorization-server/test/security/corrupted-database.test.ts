import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { openStorage, silentLogger, startAuthorizationServer } from '../../src/index.ts';
import { AS_CLI, assertOneClearLine, escapeRegExp, LEGACY_CLI, runProgram } from '../support/programs.ts';

const DATABASE = 'authorization-server.db';
const PAGE_SIZE = 4096;

/**
 * A database file damaged in the middle (a bad sector, a copy cut short, a stray write) must
 * not be served from: it would fail, or answer wrongly, request by request. The AS checks the
 * file at start and refuses with what to do; so it does for a file that is no database at all
 * and for one written by a newer release. In each case the file is left exactly as it was.
 */
describe('a damaged, foreign or newer database file is refused at start-up', () => {
  let root: string;
  /** A folder the AS made and filled, then damaged in a table page in the middle of its file. */
  let damagedDir: string;
  let damagedPage: number;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mcp-auth-corrupt-'));
    damagedDir = join(root, 'damaged');
    // A real data folder: the AS creates it (keys, demo account)...
    const server = await startAuthorizationServer(
      { port: 0, host: '127.0.0.1', dataDir: damagedDir },
      { logger: silentLogger },
    );
    await server.close();
    // ...and its own storage fills it with enough rows that the file is mostly table pages.
    const backend = await openStorage(damagedDir);
    const later = Math.floor(Date.now() / 1000) + 3600;
    for (let index = 0; index < 3000; index++) {
      await backend.artifacts.upsert({
        model: 'AccessToken',
        key: randomBytes(32).toString('base64url'),
        payload: {
          jti: randomBytes(16).toString('hex'),
          accountId: 'a',
          scope: 'user',
          pad: 'x'.repeat(300),
        },
        expiresAt: later,
        grantId: `grant-${index % 40}`,
      });
    }
    await backend.close();
    await copyFile(join(damagedDir, DATABASE), join(root, 'backup.db'));
    damagedPage = middleLeafPageOfArtifacts(join(damagedDir, DATABASE));
    const file = openSync(join(damagedDir, DATABASE), 'r+');
    writeSync(file, randomBytes(PAGE_SIZE), 0, PAGE_SIZE, (damagedPage - 1) * PAGE_SIZE);
    closeSync(file);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('garbage in a table page in the middle: the library refuses to start, naming the file and the way out', async () => {
    const before = readFileSync(join(damagedDir, DATABASE));
    await assert.rejects(
      startAuthorizationServer({ port: 0, host: '127.0.0.1', dataDir: damagedDir }, { logger: silentLogger }),
      (error: Error) => {
        assert.match(error.message, damagedMessage(join(damagedDir, DATABASE)));
        return true;
      },
    );
    assert.ok(readFileSync(join(damagedDir, DATABASE)).equals(before), 'the damaged file is left as it was');
  });

  it('garbage in a table page: mcp-auth-as, its users and clients commands and mcp-auth-legacy each print one line and exit 1', async () => {
    const expected = damagedMessage(join(damagedDir, DATABASE));
    const dataDir = `--data-dir=${damagedDir}`;
    assertOneClearLine(await runProgram(AS_CLI, ['--port=0', dataDir]), 'mcp-auth-as', expected);
    assertOneClearLine(await runProgram(AS_CLI, ['users', 'list', dataDir]), 'mcp-auth-as', expected);
    assertOneClearLine(
      await runProgram(AS_CLI, ['clients', 'add', '--name=job', '--grant-type=client_credentials', dataDir]),
      'mcp-auth-as',
      expected,
    );
    assertOneClearLine(await runProgram(LEGACY_CLI, ['--port=0', dataDir]), 'mcp-auth-legacy', expected);
  });

  it('a text file where the database should be: "not an SQLite database", with what to do', async () => {
    const dataDir = join(root, 'text');
    await mkdir(dataDir, { mode: 0o700 });
    await writeFile(join(dataDir, DATABASE), 'These are my notes, not a database.\n'.repeat(200), {
      mode: 0o600,
    });
    const expected = new RegExp(
      `${escapeRegExp(join(dataDir, DATABASE))} is not an SQLite database \\(SQLITE_NOTADB\\); restore it from a backup, or move it away`,
    );
    await assert.rejects(openStorage(dataDir), (error: Error) => expected.test(error.message));
    assertOneClearLine(
      await runProgram(AS_CLI, ['--port=0', `--data-dir=${dataDir}`]),
      'mcp-auth-as',
      expected,
    );
    assert.match(readFileSync(join(dataDir, DATABASE), 'utf8'), /^These are my notes/, 'left as it was');
  });

  it('a database written by a newer schema version: "made by a newer mcp-auth-as; upgrade", and nothing written to it', async () => {
    const dataDir = join(root, 'newer');
    await (await openStorage(dataDir)).close();
    const raw = new DatabaseSync(join(dataDir, DATABASE));
    raw.exec('PRAGMA journal_mode = DELETE');
    raw.exec('PRAGMA user_version = 99');
    raw.close();
    const before = readFileSync(join(dataDir, DATABASE));
    const expected = new RegExp(
      `${escapeRegExp(join(dataDir, DATABASE))} was made by a newer mcp-auth-as: its schema version 99 .*; upgrade mcp-auth-as`,
    );
    await assert.rejects(openStorage(dataDir), (error: Error) => expected.test(error.message));
    assertOneClearLine(
      await runProgram(AS_CLI, ['users', 'list', `--data-dir=${dataDir}`]),
      'mcp-auth-as',
      expected,
    );
    assert.ok(readFileSync(join(dataDir, DATABASE)).equals(before), 'not even switched to WAL');
  });

  it('restoring the backup, as the message says, makes the same folder start again', async () => {
    const restoredDir = join(root, 'restored');
    await cp(damagedDir, restoredDir, { recursive: true });
    await copyFile(join(root, 'backup.db'), join(restoredDir, DATABASE));
    const server = await startAuthorizationServer(
      { port: 0, host: '127.0.0.1', dataDir: restoredDir },
      { logger: silentLogger },
    );
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await server.accounts.list())[0]?.username, 'demo', 'its accounts are back');
    } finally {
      await server.close();
    }
  });
});

function damagedMessage(path: string): RegExp {
  return new RegExp(
    `the database ${escapeRegExp(path)} is damaged \\(.+\\); .*restore it from a backup, or salvage .*` +
      `"sqlite3 ${escapeRegExp(path)} \\.recover \\| sqlite3 ${escapeRegExp(path)}\\.recovered"`,
  );
}

/** A leaf page of the `artifacts` table near the middle of the file, found with SQLite's dbstat. */
function middleLeafPageOfArtifacts(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const pages = (
      db
        .prepare("SELECT pageno FROM dbstat WHERE name = 'artifacts' AND pagetype = 'leaf' ORDER BY pageno")
        .all() as Array<{
        pageno: number;
      }>
    ).map((row) => row.pageno);
    const total = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    assert.ok(pages.length > 100, `the table fills the file (${pages.length} of ${total} pages)`);
    const page = pages[Math.floor(pages.length / 2)] as number;
    assert.ok(page > total / 4 && page < (total * 3) / 4, `page ${page} of ${total} is in the middle`);
    return page;
  } finally {
    db.close();
  }
}
