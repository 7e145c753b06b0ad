/**
 * Why a SQLite primary-key read costs more inside a request than in a loop: the AS's own `find`
 * statement on 20,000 access-token-shaped rows (WAL mode, the AS's pragmas), timed back to back,
 * after touching 8 MB of other memory (cold CPU caches), and after ~100 µs of JSON work (what a
 * request does between two reads). `node bench/pk-read.ts`; microseconds per read, three rounds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const folder = mkdtempSync(join(tmpdir(), 'mcp-auth-pk-read-'));
const db = new DatabaseSync(join(folder, 'artifacts.db'));
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000');
db.exec('PRAGMA mmap_size = 268435456');
db.exec(`CREATE TABLE artifacts (model TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
  expires_at INTEGER, consumed_at INTEGER, grant_id TEXT, uid TEXT, user_code TEXT, PRIMARY KEY (model, key))`);
const insert = db.prepare('INSERT INTO artifacts (model, key, payload, expires_at) VALUES (?, ?, ?, ?)');
const keys: string[] = [];
db.exec('BEGIN');
for (let index = 0; index < 20_000; index++) {
  const key = randomBytes(32).toString('base64url');
  keys.push(key);
  insert.run('AccessToken', key, JSON.stringify({ jti: key, padding: 'x'.repeat(300) }), 2e9);
}
db.exec('COMMIT');
const find = db.prepare(
  'SELECT payload, consumed_at FROM artifacts WHERE model = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
);
const otherMemory = new Float64Array((8 * 1024 * 1024) / 8);
let sink = 0;
const between = {
  'back to back': () => {},
  'after touching 8 MB of other memory': () => {
    for (let index = 0; index < otherMemory.length; index += 8) sink += otherMemory[index] ?? 0;
  },
  'after ~100 µs of JSON work': () => {
    sink += JSON.stringify(JSON.parse(JSON.stringify({ keys: keys.slice(0, 200) }))).length;
  },
};
for (let round = 1; round <= 3; round++) {
  for (const [label, work] of Object.entries(between)) {
    let nanoseconds = 0n;
    const reads = 3000;
    for (let index = 0; index < reads; index++) {
      work();
      const key = keys[Math.floor(Math.random() * keys.length)] as string;
      const started = process.hrtime.bigint();
      find.get('AccessToken', key, 1e9);
      nanoseconds += process.hrtime.bigint() - started;
    }
    process.stdout.write(
      `round ${round}, ${label}: ${(Number(nanoseconds) / reads / 1000).toFixed(1)} µs per read\n`,
    );
  }
}
db.close();
rmSync(folder, { recursive: true, force: true });
process.stdout.write(sink > -1 ? '' : '\n');
