import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import {
  type AccountRecord,
  type AccountStore,
  type ArtifactStore,
  type ConsumeOutcome,
  consumeRefusal,
  DuplicateAccountError,
  type StorageBackend,
  type StoredRecord,
  type UpsertRecord,
  upsertColumnValues,
} from './storage-backend.ts';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The embedded backend: one SQLite file through the built-in `node:sqlite` (no native addon).
 * WAL lets readers run beside the single writer, `busy_timeout` makes a second process wait for
 * the lock instead of failing, and every statement is prepared once.
 */
export function openSqliteBackend(options: { path: string }): StorageBackend {
  const inMemory = options.path === ':memory:';
  if (!inMemory) createOwnerOnlyFile(options.path);
  const db = new DatabaseSync(options.path);
  db.exec('PRAGMA busy_timeout = 5000');
  if (!inMemory) {
    db.exec('PRAGMA journal_mode = WAL');
    tuneForThroughput(db);
  }
  // In WAL mode NORMAL keeps every commit through an application crash and the database
  // consistent through a power loss, which may only undo the latest commits not yet written back
  // (https://www.sqlite.org/pragma.html#pragma_synchronous). That is the promise: keep it.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db);
  if (!inMemory) tightenSidecarFiles(options.path);
  let closed = false;
  return {
    artifacts: sqliteArtifactStore(db),
    accounts: sqliteAccountStore(db),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/**
 * The database holds accounts' password hashes and grant metadata: owner-only. The file is
 * created here with mode 0600 before SQLite opens it (SQLite treats an empty file as a new
 * database), so it is never readable by others, not even for a moment under a lax umask; an
 * existing file is tightened too. A missing parent directory is created owner-only.
 */
function createOwnerOnlyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Applies the migrations this file has not seen yet, tracked in `PRAGMA user_version`. */
function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = row.user_version;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this program knows (${SQLITE_MIGRATIONS.length}); upgrade mcp-auth-as`,
    );
  }
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const now = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      if (now === version) {
        db.exec(SQLITE_MIGRATIONS[version] ?? '');
        db.exec(`PRAGMA user_version = ${version + 1}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

/**
 * Speed settings for a database file (measured with node:sqlite on the AS's own statements,
 * ~400-byte rows, WAL, `synchronous = NORMAL`; what each one costs is said with it).
 *
 * - `mmap_size`: pages are read straight from the OS page cache through a memory map instead of
 *   being copied into SQLite's own cache (https://www.sqlite.org/mmap.html): a primary-key read
 *   took ~15 % less time. Writes still go through the WAL. The map is address space, not heap;
 *   the OS can drop its pages. Cost, from that page: an I/O error while reading the file becomes
 *   a signal that stops the process instead of an error that fails one request.
 * - `wal_autocheckpoint`: SQLite copies the WAL back into the database, with its fsyncs, every
 *   time the WAL reaches this many pages (default 1000, ~4 MB; https://www.sqlite.org/wal.html#ckpt).
 *   At 4,000 (a ~16 MB WAL file, reused rather than shrunk) that happens four times less often,
 *   and the b-tree pages every write touches are copied once per checkpoint instead of four
 *   times: an upsert went from ~70 to ~57 µs on average (~48 µs at 10,000, which we did not
 *   take). Costs: a checkpoint blocks the event loop (node:sqlite is synchronous) for longer,
 *   less often; and since `synchronous = NORMAL` fsyncs the WAL only at checkpoints, a power
 *   loss or OS crash (a crash of this process loses nothing) can undo up to the last 4,000
 *   pages of commits instead of 1,000. Such an undo may bring back a spent code or refresh
 *   token; NORMAL allowed that before, for a shorter window, and 10,000 would have made the
 *   window ten times the default for 15 % more write speed.
 */
function tuneForThroughput(db: DatabaseSync): void {
  db.exec(`PRAGMA mmap_size = ${256 * 1024 * 1024}`);
  db.exec('PRAGMA wal_autocheckpoint = 4000');
}

/**
 * WAL and shared-memory files hold database pages too. SQLite gives them the database file's
 * mode when it creates them; this also tightens ones left behind by an older, laxer run.
 */
function tightenSidecarFiles(path: string): void {
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  }
}

interface ArtifactRow {
  payload: string;
  consumed_at: number | null;
}

function toRecord(row: ArtifactRow | undefined): StoredRecord | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  return row.consumed_at === null ? { payload } : { payload, consumedAt: row.consumed_at };
}

function sqliteArtifactStore(db: DatabaseSync): ArtifactStore {
  const live = '(expires_at IS NULL OR expires_at > ?)';
  const statements = {
    upsert: db.prepare(
      `INSERT INTO artifacts (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?)
       ON CONFLICT (model, key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at,
         consumed_at = NULL, grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code`,
    ),
    find: db.prepare(`SELECT payload, consumed_at FROM artifacts WHERE model = ? AND key = ? AND ${live}`),
    findByUid: db.prepare(
      `SELECT payload, consumed_at FROM artifacts WHERE model = ? AND uid = ? AND ${live}`,
    ),
    findByUserCode: db.prepare(
      `SELECT payload, consumed_at FROM artifacts WHERE model = ? AND user_code = ? AND ${live}`,
    ),
    consume: db.prepare(
      `UPDATE artifacts SET consumed_at = ? WHERE model = ? AND key = ? AND consumed_at IS NULL AND ${live}`,
    ),
    consumedGrant: db.prepare(
      `SELECT grant_id FROM artifacts WHERE model = ? AND key = ? AND consumed_at IS NOT NULL AND ${live}`,
    ),
    destroy: db.prepare('DELETE FROM artifacts WHERE model = ? AND key = ?'),
    revokeByGrantId: db.prepare('DELETE FROM artifacts WHERE grant_id = ?'),
    purgeExpired: db.prepare('DELETE FROM artifacts WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    extendExpiry: db.prepare(
      'UPDATE artifacts SET expires_at = ? WHERE model = ? AND key = ? AND expires_at > ? AND expires_at < ?',
    ),
    countExpiring: db.prepare(
      'SELECT COUNT(*) AS n FROM artifacts WHERE model = ? AND expires_at IS NOT NULL AND expires_at > ?',
    ),
  } satisfies Record<string, StatementSync>;

  return {
    async upsert(record: UpsertRecord) {
      statements.upsert.run(...upsertColumnValues(record));
    },
    async find(model, key) {
      return toRecord(statements.find.get(model, key, epochSeconds()) as ArtifactRow | undefined);
    },
    async findByUid(model, uid) {
      return toRecord(statements.findByUid.get(model, uid, epochSeconds()) as ArtifactRow | undefined);
    },
    async findByUserCode(model, userCode) {
      return toRecord(
        statements.findByUserCode.get(model, userCode, epochSeconds()) as ArtifactRow | undefined,
      );
    },
    async consume(model, key): Promise<ConsumeOutcome> {
      const now = epochSeconds();
      // One conditional UPDATE: SQLite serialises writers, so exactly one caller sees a change.
      const { changes } = statements.consume.run(now, model, key, now);
      if (Number(changes) === 1) return { outcome: 'consumed' };
      return consumeRefusal(
        statements.consumedGrant.get(model, key, now) as { grant_id: string | null } | undefined,
      );
    },
    async destroy(model, key) {
      statements.destroy.run(model, key);
    },
    async revokeByGrantId(grantId) {
      statements.revokeByGrantId.run(grantId);
    },
    async purgeExpired(now = epochSeconds()) {
      return Number(statements.purgeExpired.run(now).changes);
    },
    async extendExpiry(model, key, expiresAt) {
      statements.extendExpiry.run(expiresAt, model, key, epochSeconds(), expiresAt);
    },
    async countExpiring(model, now = epochSeconds()) {
      return Number((statements.countExpiring.get(model, now) as { n: number }).n);
    },
  };
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
}

function toAccount(row: AccountRow | undefined): AccountRecord | undefined {
  return (
    row && { id: row.id, username: row.username, passwordHash: row.password_hash, createdAt: row.created_at }
  );
}

function sqliteAccountStore(db: DatabaseSync): AccountStore {
  const statements = {
    create: db.prepare('INSERT INTO accounts (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)'),
    findById: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    findByUsername: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    updatePassword: db.prepare('UPDATE accounts SET password_hash = ? WHERE username = ?'),
    remove: db.prepare('DELETE FROM accounts WHERE username = ?'),
    list: db.prepare('SELECT * FROM accounts ORDER BY username'),
    count: db.prepare('SELECT COUNT(*) AS n FROM accounts'),
  } satisfies Record<string, StatementSync>;

  return {
    async create(account) {
      try {
        statements.create.run(account.id, account.username, account.passwordHash, account.createdAt);
      } catch (error) {
        if (/UNIQUE constraint failed: accounts\.username/.test((error as Error).message)) {
          throw new DuplicateAccountError(account.username);
        }
        throw error;
      }
    },
    async findById(id) {
      return toAccount(statements.findById.get(id) as AccountRow | undefined);
    },
    async findByUsername(username) {
      return toAccount(statements.findByUsername.get(username) as AccountRow | undefined);
    },
    async updatePassword(username, passwordHash) {
      return Number(statements.updatePassword.run(passwordHash, username).changes) === 1;
    },
    async remove(username) {
      return Number(statements.remove.run(username).changes) === 1;
    },
    async list() {
      return (statements.list.all() as unknown as AccountRow[]).map((row) => toAccount(row) as AccountRecord);
    },
    async count() {
      return Number((statements.count.get() as { n: number }).n);
    },
  };
}
