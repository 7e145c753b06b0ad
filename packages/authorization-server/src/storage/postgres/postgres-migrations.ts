import type { Pool, PoolClient } from 'pg';
import { qualifier, quoteIdentifier } from './postgres-identifiers.ts';
import { POSTGRES_MIGRATIONS } from './postgres-schema.ts';

/**
 * Serialises schema migrations across every process using this database: all instances started
 * at once take this transaction-scoped advisory lock, so exactly one creates the schema and
 * applies each migration; the others then find it done. (An arbitrary constant: "mcpauth1".)
 */
export const MIGRATION_LOCK_KEY = 0x6d63_7061_7574_6831n;

/**
 * Creates the schema when missing and applies the migrations it lacks, all in one transaction
 * under `pg_advisory_xact_lock(MIGRATION_LOCK_KEY)`: concurrent start-ups queue on the lock, and
 * a failed migration leaves nothing behind. A schema newer than this code is refused.
 */
export async function migrate(pool: Pool, schema: string, connectionString: string): Promise<void> {
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
