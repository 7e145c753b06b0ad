import { Pool, type PoolClient } from 'pg';
import type { SecretsStore } from '../../keys/server-secrets.ts';
import type { SharedRateLimits } from '../../rate-limits/rate-limiter.ts';
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
} from '../storage-backend.ts';
import { qualifier, quoteIdentifier } from './postgres-identifiers.ts';
import { postgresRateLimits } from './postgres-rate-limiter.ts';
import { POSTGRES_MIGRATIONS } from './postgres-schema.ts';
import { postgresSecretsStore } from './postgres-secrets-store.ts';

export interface PostgresBackendOptions {
  /** A libpq-style URL, e.g. `postgres://mcp_auth@db.internal:5432/mcp_auth?sslmode=verify-full`. */
  readonly connectionString: string;
  /** The schema holding every table; created when missing. Default `public`. */
  readonly schema?: string;
  /** The most connections this instance opens. Default 10. */
  readonly poolSize?: number;
  /** Errors of idle pooled connections (the pool drops them and reconnects on demand). */
  readonly onIdleError?: (error: Error) => void;
}

/** A `StorageBackend` that also keeps the AS's secrets and rate limits in the same database. */
export interface PostgresStorageBackend extends StorageBackend {
  /** The signing and cookie keys, shared by every AS instance using this database and schema. */
  readonly secrets: SecretsStore;
  readonly rateLimits: SharedRateLimits;
}

/**
 * Serialises schema migrations across every process using this database: all instances started
 * at once take this transaction-scoped advisory lock, so exactly one creates the schema and
 * applies each migration; the others then find it done. (An arbitrary constant: "mcpauth1".)
 */
export const MIGRATION_LOCK_KEY = 0x6d63_7061_7574_6831n;

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The shared backend: PostgreSQL through a `pg` connection pool, for several AS instances
 * behind one load balancer. Every statement is parameterised; the only text spliced into SQL
 * is identifiers (the configured schema, our table names), quoted by `quoteIdentifier`.
 */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<PostgresStorageBackend> {
  const schema = options.schema ?? 'public';
  const qualify = qualifier(schema);
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    application_name: 'mcp-auth-as',
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await migrate(pool, schema, options.connectionString);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed = false;
  return {
    artifacts: postgresArtifactStore(pool, qualify('artifacts')),
    accounts: postgresAccountStore(pool, qualify('accounts')),
    secrets: postgresSecretsStore(pool, schema),
    rateLimits: postgresRateLimits(pool, qualify('rate_limits')),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * Creates the schema when missing and applies the migrations it lacks, all in one transaction
 * under `pg_advisory_xact_lock(MIGRATION_LOCK_KEY)`: concurrent start-ups queue on the lock, and
 * a failed migration leaves nothing behind. A schema newer than this code is refused.
 */
async function migrate(pool: Pool, schema: string, connectionString: string): Promise<void> {
  const quotedSchema = quoteIdentifier(schema);
  const migrations = qualifier(schema)('schema_migrations');
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to PostgreSQL at ${describeTarget(connectionString)}: ${errorText(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even
    // when the schema exists, which a least-privilege role given an existing schema lacks.
    const exists = await client.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quotedSchema}`);
    await client.query(`SET LOCAL search_path TO ${quotedSchema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${migrations} (
         version    integer     PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${migrations}`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `the database schema "${schema}" (version ${current}) is newer than this program knows (${POSTGRES_MIGRATIONS.length}); upgrade mcp-auth-as`,
      );
    }
    for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version] ?? '');
      await client.query(`INSERT INTO ${migrations} (version) VALUES ($1)`, [version + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** `host:port/database` of a connection string, never its password. */
function describeTarget(connectionString: string): string {
  const url = URL.parse(connectionString);
  if (!url) return 'the configured database';
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || '5432'}${url.pathname || '/'}`;
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((inner) => errorText(inner)).join('; ');
  }
  return error instanceof Error
    ? error.message || (error as NodeJS.ErrnoException).code || error.name
    : String(error);
}

/** `bigint` columns arrive as strings (they may exceed 2^53); epoch seconds never do. */
const toNumber = (value: string | number): number => Number(value);

interface ArtifactRow {
  payload: Record<string, unknown>;
  consumed_at: string | null;
}

function toRecord(row: ArtifactRow | undefined): StoredRecord | undefined {
  if (!row) return undefined;
  return row.consumed_at === null
    ? { payload: row.payload }
    : { payload: row.payload, consumedAt: toNumber(row.consumed_at) };
}

function postgresArtifactStore(pool: Pool, artifacts: string): ArtifactStore {
  const live = (param: string) => `(expires_at IS NULL OR expires_at > ${param})`;
  const sql = {
    upsert: `INSERT INTO ${artifacts} (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
      VALUES ($1, $2, $3::jsonb, $4, NULL, $5, $6, $7)
      ON CONFLICT (model, key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at,
        consumed_at = NULL, grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code`,
    find: `SELECT payload, consumed_at FROM ${artifacts} WHERE model = $1 AND key = $2 AND ${live('$3')}`,
    findByUid: `SELECT payload, consumed_at FROM ${artifacts}
      WHERE model = $1 AND uid = $2 AND ${live('$3')} LIMIT 1`,
    findByUserCode: `SELECT payload, consumed_at FROM ${artifacts}
      WHERE model = $1 AND user_code = $2 AND ${live('$3')} LIMIT 1`,
    // Row-locking UPDATE: a concurrent caller blocks on the winner's row lock, then re-checks
    // `consumed_at IS NULL` against the committed row and updates nothing.
    consume: `UPDATE ${artifacts} SET consumed_at = $3
      WHERE model = $1 AND key = $2 AND consumed_at IS NULL AND ${live('$3')} RETURNING 1`,
    consumedGrant: `SELECT grant_id FROM ${artifacts}
      WHERE model = $1 AND key = $2 AND consumed_at IS NOT NULL AND ${live('$3')}`,
    destroy: `DELETE FROM ${artifacts} WHERE model = $1 AND key = $2`,
    revokeByGrantId: `DELETE FROM ${artifacts} WHERE grant_id = $1`,
    purgeExpired: `DELETE FROM ${artifacts} WHERE expires_at IS NOT NULL AND expires_at <= $1`,
    extendExpiry: `UPDATE ${artifacts} SET expires_at = $3
      WHERE model = $1 AND key = $2 AND expires_at > $4 AND expires_at < $3`,
    countExpiring: `SELECT count(*) AS n FROM ${artifacts}
      WHERE model = $1 AND expires_at IS NOT NULL AND expires_at > $2`,
  } as const;

  return {
    async upsert(record: UpsertRecord) {
      await pool.query(sql.upsert, upsertColumnValues(record));
    },
    async find(model, key) {
      return toRecord((await pool.query<ArtifactRow>(sql.find, [model, key, epochSeconds()])).rows[0]);
    },
    async findByUid(model, uid) {
      return toRecord((await pool.query<ArtifactRow>(sql.findByUid, [model, uid, epochSeconds()])).rows[0]);
    },
    async findByUserCode(model, userCode) {
      return toRecord(
        (await pool.query<ArtifactRow>(sql.findByUserCode, [model, userCode, epochSeconds()])).rows[0],
      );
    },
    async consume(model, key): Promise<ConsumeOutcome> {
      const now = epochSeconds();
      const updated = await pool.query(sql.consume, [model, key, now]);
      if (updated.rowCount === 1) return { outcome: 'consumed' };
      const { rows } = await pool.query<{ grant_id: string | null }>(sql.consumedGrant, [model, key, now]);
      return consumeRefusal(rows[0]);
    },
    async destroy(model, key) {
      await pool.query(sql.destroy, [model, key]);
    },
    async revokeByGrantId(grantId) {
      await pool.query(sql.revokeByGrantId, [grantId]);
    },
    async purgeExpired(now = epochSeconds()) {
      return (await pool.query(sql.purgeExpired, [now])).rowCount ?? 0;
    },
    async extendExpiry(model, key, expiresAt) {
      await pool.query(sql.extendExpiry, [model, key, expiresAt, epochSeconds()]);
    },
    async countExpiring(model, now = epochSeconds()) {
      return toNumber((await pool.query<{ n: string }>(sql.countExpiring, [model, now])).rows[0]?.n ?? 0);
    },
  };
}

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
}

function toAccount(row: AccountRow | undefined): AccountRecord | undefined {
  return (
    row && {
      id: row.id,
      username: row.username,
      passwordHash: row.password_hash,
      createdAt: toNumber(row.created_at),
    }
  );
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const candidate = error as { code?: unknown; constraint?: unknown } | null;
  return candidate?.code === '23505' && candidate.constraint === constraint;
}

function postgresAccountStore(pool: Pool, accounts: string): AccountStore {
  const columns = 'id, username, password_hash, created_at';
  // `lower(username)` everywhere so lookups use the unique index `accounts_username_lower`.
  const sql = {
    create: `INSERT INTO ${accounts} (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)`,
    findById: `SELECT ${columns} FROM ${accounts} WHERE id = $1`,
    findByUsername: `SELECT ${columns} FROM ${accounts} WHERE lower(username) = lower($1)`,
    updatePassword: `UPDATE ${accounts} SET password_hash = $2 WHERE lower(username) = lower($1)`,
    remove: `DELETE FROM ${accounts} WHERE lower(username) = lower($1)`,
    list: `SELECT ${columns} FROM ${accounts} ORDER BY lower(username), username`,
    count: `SELECT count(*) AS n FROM ${accounts}`,
  } as const;

  return {
    async create(account) {
      try {
        await pool.query(sql.create, [account.id, account.username, account.passwordHash, account.createdAt]);
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_username_lower')) {
          throw new DuplicateAccountError(account.username);
        }
        throw error;
      }
    },
    async findById(id) {
      return toAccount((await pool.query<AccountRow>(sql.findById, [id])).rows[0]);
    },
    async findByUsername(username) {
      return toAccount((await pool.query<AccountRow>(sql.findByUsername, [username])).rows[0]);
    },
    async updatePassword(username, passwordHash) {
      return (await pool.query(sql.updatePassword, [username, passwordHash])).rowCount === 1;
    },
    async remove(username) {
      return (await pool.query(sql.remove, [username])).rowCount === 1;
    },
    async list() {
      return (await pool.query<AccountRow>(sql.list)).rows.map((row) => toAccount(row) as AccountRecord);
    },
    async count() {
      return toNumber((await pool.query<{ n: string }>(sql.count)).rows[0]?.n ?? 0);
    },
  };
}
