import { testDatabaseUrl, uniqueSchemaName } from '@mcp-auth/test-support/postgres';
import pg from 'pg';

/**
 * Like test/storage/postgres-backend.test.ts: a real PostgreSQL (the run's, the machine's or an
 * embedded one, see @mcp-auth/test-support/postgres), and these tests never skip.
 */
const TEST_DATABASE_URL = await testDatabaseUrl();

export interface TestSchema {
  /** A schema name no other run uses (created by the AS on first use). */
  readonly name: string;
  readonly database: { url: string; schema: string };
  /** Runs statements on the test database, outside any AS. */
  query(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

export function freshTestSchema(prefix: string): TestSchema {
  const name = uniqueSchemaName(prefix);
  const query = async (sql: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return await client.query(sql, values);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    database: { url: TEST_DATABASE_URL, schema: name },
    query,
    drop: async () => {
      await query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    },
  };
}
