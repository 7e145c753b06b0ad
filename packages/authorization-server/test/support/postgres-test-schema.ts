import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Like test/storage/postgres-backend.test.ts: a real PostgreSQL, and tests FAIL without one. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
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
