import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SharedRateLimits } from '../rate-limits/rate-limiter.ts';
import { openSqliteConnection, type SqliteConnectionOptions } from './sqlite-connection.ts';
import { explainSqliteError } from './sqlite-errors.ts';
import { sqliteRateLimits } from './sqlite-rate-limits.ts';
import {
  type AccountRecord,
  type AccountStore,
  type ArtifactStore,
  type ConsumeOutcome,
  consumeRefusal,
  DuplicateAccountError,
  type ListedRecord,
  PURGE_BATCH_ROWS,
  type StorageBackend,
  type StoredRecord,
  type UpsertRecord,
  upsertColumnValues,
} from './storage-backend.ts';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The embedded backend: one SQLite file through the built-in `node:sqlite` (no native addon),
 * opened by `openSqliteConnection` (checked, migrated, tuned), every statement prepared once.
 * An SQLite failure while serving (a full disk, a damaged page) reaches the caller as a
 * `StorageError` naming the file and the cause, which is what the log then says.
 */
export function openSqliteBackend(options: SqliteConnectionOptions): StorageBackend {
  const db = openSqliteConnection(options);
  let closed = false;
  return {
    artifacts: explainingErrors(sqliteArtifactStore(db), options.path),
    accounts: explainingErrors(sqliteAccountStore(db), options.path),
    rateLimits: explainedRateLimits(sqliteRateLimits(db), options.path),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** The same store, its SQLite errors turned into `StorageError`s (others pass unchanged). */
function explainingErrors<Store extends object>(store: Store, path: string): Store {
  const explained: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store) as Array<[string, (...args: unknown[]) => unknown]>) {
    explained[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw explainSqliteError(error, path);
      }
    };
  }
  return explained as Store;
}

/** The limiters' SQLite errors as `StorageError`s too (`limiter` itself only prepares a closure). */
function explainedRateLimits(rateLimits: SharedRateLimits, path: string): SharedRateLimits {
  return {
    limiter: (name, limit, now) => explainingErrors(rateLimits.limiter(name, limit, now), path),
    purgeExpired: explainingErrors({ purgeExpired: rateLimits.purgeExpired }, path).purgeExpired,
  };
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
    // The partial index artifacts_expires_at finds the batch; rowids delete it.
    purgeExpiredBatch: db.prepare(
      `DELETE FROM artifacts WHERE rowid IN (SELECT rowid FROM artifacts
         WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ${PURGE_BATCH_ROWS})`,
    ),
    extendExpiry: db.prepare(
      'UPDATE artifacts SET expires_at = ? WHERE model = ? AND key = ? AND expires_at > ? AND expires_at < ?',
    ),
    countExpiring: db.prepare(
      'SELECT COUNT(*) AS n FROM artifacts WHERE model = ? AND expires_at IS NOT NULL AND expires_at > ?',
    ),
    listLive: db.prepare(
      `SELECT key, payload, consumed_at, expires_at FROM artifacts WHERE model = ? AND ${live} ORDER BY key`,
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
      let deleted = 0;
      for (;;) {
        const batch = Number(statements.purgeExpiredBatch.run(now).changes);
        deleted += batch;
        if (batch < PURGE_BATCH_ROWS) return deleted;
        // Each batch is its own short write: requests waiting on the event loop, and other
        // processes waiting for the write lock, go between two batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async extendExpiry(model, key, expiresAt) {
      statements.extendExpiry.run(expiresAt, model, key, epochSeconds(), expiresAt);
    },
    async countExpiring(model, now = epochSeconds()) {
      return Number((statements.countExpiring.get(model, now) as { n: number }).n);
    },
    async listLive(model, now = epochSeconds()) {
      const rows = statements.listLive.all(model, now) as unknown as Array<
        ArtifactRow & { key: string; expires_at: number | null }
      >;
      return rows.map((row): ListedRecord => {
        const record = toRecord(row) as StoredRecord;
        return { ...record, key: row.key, ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }) };
      });
    },
  };
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
  last_sign_in_at: number | null;
  locked_at: number | null;
}

function toAccount(row: AccountRow | undefined): AccountRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.last_sign_in_at === null ? {} : { lastSignInAt: row.last_sign_in_at }),
    ...(row.locked_at === null ? {} : { lockedAt: row.locked_at }),
  };
}

function sqliteAccountStore(db: DatabaseSync): AccountStore {
  const statements = {
    create: db.prepare('INSERT INTO accounts (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)'),
    findById: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    findByUsername: db.prepare('SELECT * FROM accounts WHERE username = ?'),
    updatePassword: db.prepare('UPDATE accounts SET password_hash = ? WHERE username = ?'),
    remove: db.prepare('DELETE FROM accounts WHERE username = ?'),
    recordSignIn: db.prepare('UPDATE accounts SET last_sign_in_at = ? WHERE id = ?'),
    setLocked: db.prepare('UPDATE accounts SET locked_at = ? WHERE username = ?'),
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
    async recordSignIn(id, at) {
      statements.recordSignIn.run(at, id);
    },
    async setLocked(username, at) {
      return Number(statements.setLocked.run(at ?? null, username).changes) === 1;
    },
    async list() {
      return (statements.list.all() as unknown as AccountRow[]).map((row) => toAccount(row) as AccountRecord);
    },
    async count() {
      return Number((statements.count.get() as { n: number }).n);
    },
  };
}
