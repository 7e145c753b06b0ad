import { join } from 'node:path';
import { DEV_INTROSPECTION_FILE, ensurePrivateDirectory } from '@mcp-auth/shared';
import { explainDataDirError } from './data-dir-errors.ts';
import { openPostgresBackend } from './postgres/postgres-backend.ts';
import { openSqliteBackend } from './sqlite-backend.ts';
import type { StorageBackend } from './storage-backend.ts';

/** The files of the data folder (`--data-dir`), by what they hold. */
export const dataDirFiles = {
  database: 'authorization-server.db',
  secrets: 'secrets.json',
  demoAccount: 'demo-account.json',
  devIntrospection: DEV_INTROSPECTION_FILE,
} as const;

/**
 * SQLite in the data folder by default; PostgreSQL when a database URL is given. A data folder
 * that cannot be used is a `StorageError` naming the path, the cause and what to do.
 */
export async function openStorage(
  dataDir: string,
  database?: { url: string; schema?: string | undefined },
): Promise<StorageBackend> {
  if (database) {
    return openPostgresBackend({
      connectionString: database.url,
      ...(database.schema ? { schema: database.schema } : {}),
    });
  }
  try {
    await ensurePrivateDirectory(dataDir);
    return openSqliteBackend({ path: join(dataDir, dataDirFiles.database) });
  } catch (error) {
    throw explainDataDirError(error);
  }
}
