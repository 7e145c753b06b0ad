import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startSupervisedPostgres } from './supervised-postgres.ts';

/** The machine's PostgreSQL as CI's machine has it (trust authentication, database `test`). */
export const MACHINE_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A connection string fit for a message: the password replaced. */
export function redactPassword(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** Why `url` cannot be used (one line), or undefined when it answers a query. */
export async function whyUnusable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code === 'ECONNREFUSED' ? 'nothing listens there' : message || String(code);
  } finally {
    await client.end().catch(() => {});
  }
}

export type DatabaseChoice =
  | { readonly url: string; readonly why?: undefined }
  | { readonly url?: undefined; readonly why: string };

/**
 * The PostgreSQL named by TEST_DATABASE_URL, else DATABASE_URL (used as given: a wrong one is the
 * user's to fix, and the tests will say so), else the machine's at 127.0.0.1:5432 if it answers;
 * otherwise why there is none, so that the caller starts an embedded one.
 */
export async function configuredOrMachineDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<DatabaseChoice> {
  const configured = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (configured) return { url: configured };
  const problem = await whyUnusable(MACHINE_DATABASE_URL);
  if (problem === undefined) return { url: MACHINE_DATABASE_URL };
  return { why: `no usable PostgreSQL at ${MACHINE_DATABASE_URL} (${problem})` };
}

let chosen: Promise<string> | undefined;

/**
 * The PostgreSQL this test process uses. `npm test` chooses one for the whole run and passes it
 * down as TEST_DATABASE_URL (scripts/test.js); a test file run on its own with no PostgreSQL
 * around gets an embedded one that lives as long as its process. PostgreSQL tests never skip.
 */
export function testDatabaseUrl(): Promise<string> {
  chosen ??= (async () => {
    const choice = await configuredOrMachineDatabase();
    if (choice.url !== undefined) return choice.url;
    const embedded = await startSupervisedPostgres();
    embedded.releaseWithProcess();
    process.env.TEST_DATABASE_URL = embedded.url;
    return embedded.url;
  })();
  return chosen;
}

/** A schema name no other run or test uses (tests share one database, each in its own schema). */
export function uniqueSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
