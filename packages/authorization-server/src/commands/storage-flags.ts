import { authorizationServerDataDir, type Environment } from '@mcp-auth/shared';
import type { AuthorizationServerOptionsInput } from '../options.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';

/** Where the data is, for every command: the same three flags (node:util parseArgs options). */
export const STORAGE_FLAGS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'database-schema': { type: 'string' },
} as const;

export interface StorageFlagValues {
  readonly 'data-dir'?: string | undefined;
  readonly 'database-url'?: string | undefined;
  readonly 'database-schema'?: string | undefined;
}

/** `--data-dir`, else `MCP_AUTH_AS_DATA_DIR`, else the XDG data folder. */
export function dataDirFrom(values: StorageFlagValues, env: Environment): string {
  return values['data-dir'] ?? authorizationServerDataDir(env);
}

/** PostgreSQL from `--database-url` or `DATABASE_URL` (prefer the variable: flags show in `ps`). */
export function databaseFrom(
  values: StorageFlagValues,
  env: Environment,
): Pick<AuthorizationServerOptionsInput, 'database'> {
  const url = values['database-url'] ?? env.DATABASE_URL;
  if (!url) return {};
  const schema = values['database-schema'] ?? env.MCP_AUTH_AS_DATABASE_SCHEMA;
  return { database: { url, ...(schema ? { schema } : {}) } };
}

/** The storage the flags name, for the commands that work on it without starting the server. */
export function openStorageFrom(values: StorageFlagValues, env: Environment): Promise<StorageBackend> {
  return openStorage(dataDirFrom(values, env), databaseFrom(values, env).database);
}
