import { Pool } from 'pg';
import type { SecretsStore } from '../../keys/server-secrets.ts';
import type { SharedRateLimits } from '../../rate-limits/rate-limiter.ts';
import type { StorageBackend } from '../storage-backend.ts';
import { postgresAccountStore } from './postgres-account-store.ts';
import { postgresArtifactStore } from './postgres-artifact-store.ts';
import { qualifier } from './postgres-identifiers.ts';
import { migrate } from './postgres-migrations.ts';
import { postgresRateLimits } from './postgres-rate-limiter.ts';
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
