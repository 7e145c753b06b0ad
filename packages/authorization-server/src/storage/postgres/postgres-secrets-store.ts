import type { Pool } from 'pg';
import { parseServerSecrets, type SecretsStore, type ServerSecrets } from '../../keys/server-secrets.ts';
import { qualifier } from './postgres-identifiers.ts';

/**
 * Keeps the AS's signing and cookie keys in the database, so every instance behind a load
 * balancer signs with the same keys and accepts the others' cookies.
 *
 * The row holds PRIVATE keys. Its table (`server_secrets`, migration 2 in `postgres-schema.ts`)
 * grants nothing to PUBLIC: only the AS's own database role (the owner of the schema's tables)
 * can read it. Never grant it to reporting, replica-reader or other read-only roles. Encryption
 * at rest is the database's job (encrypted storage, encrypted backups).
 *
 * The schema must already be migrated: `openPostgresBackend` does that and exposes this store as
 * `backend.secrets`.
 */
export function postgresSecretsStore(pool: Pool, schema: string): SecretsStore {
  const table = qualifier(schema)('server_secrets');
  const parse = (value: unknown): ServerSecrets => {
    const secrets = parseServerSecrets(value);
    if (!secrets) {
      throw new Error(
        `the server_secrets row in schema "${schema}" does not hold signing and cookie keys; restore it from a backup or delete it to generate new keys`,
      );
    }
    return secrets;
  };
  const read = async (): Promise<ServerSecrets | undefined> => {
    const { rows } = await pool.query<{ secrets: unknown }>(`SELECT secrets FROM ${table} WHERE id = 1`);
    const row = rows[0];
    return row ? parse(row.secrets) : undefined;
  };
  return {
    async loadOrCreate(create) {
      const existing = await read();
      if (existing) return existing;
      const created = await create();
      // Instances starting together on an empty table all get here: the first insert wins (the
      // others wait for it to commit, then do nothing), and everyone re-reads the winner's keys.
      await pool.query(
        `INSERT INTO ${table} (id, secrets) VALUES (1, $1::jsonb) ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(created)],
      );
      const stored = await read();
      if (!stored)
        throw new Error(`the server_secrets row in schema "${schema}" vanished right after it was written`);
      return stored;
    },
    load: read,
    // The row is locked (FOR UPDATE) from the read to the write: a concurrent `update` on any
    // instance waits, then reads what this one wrote.
    async update(change) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ secrets: unknown }>(
          `SELECT secrets FROM ${table} WHERE id = 1 FOR UPDATE`,
        );
        const row = rows[0];
        if (!row) {
          throw new Error(
            `schema "${schema}" holds no keys yet (table server_secrets): start mcp-auth-as once to create them`,
          );
        }
        const current = parse(row.secrets);
        const next = change(current);
        if (next) {
          await client.query(`UPDATE ${table} SET secrets = $1::jsonb WHERE id = 1`, [JSON.stringify(next)]);
        }
        await client.query('COMMIT');
        return next ?? current;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
