import type { Pool } from 'pg';
import { type AccountRecord, type AccountStore, DuplicateAccountError } from '../storage-backend.ts';
import { namedStatements } from './named-statements.ts';

/** `bigint` columns arrive as strings (they may exceed 2^53); epoch seconds never do. */
const toNumber = (value: string | number): number => Number(value);

interface AccountRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
  last_sign_in_at: string | null;
  locked_at: string | null;
}

function toAccount(row: AccountRow | undefined): AccountRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: toNumber(row.created_at),
    ...(row.last_sign_in_at === null ? {} : { lastSignInAt: toNumber(row.last_sign_in_at) }),
    ...(row.locked_at === null ? {} : { lockedAt: toNumber(row.locked_at) }),
  };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const candidate = error as { code?: unknown; constraint?: unknown } | null;
  return candidate?.code === '23505' && candidate.constraint === constraint;
}

/** The accounts in PostgreSQL; usernames are unique case-insensitively. */
export function postgresAccountStore(pool: Pool, accounts: string): AccountStore {
  const columns = 'id, username, password_hash, created_at, last_sign_in_at, locked_at';
  // `lower(username)` everywhere so lookups use the unique index `accounts_username_lower`.
  const sql = namedStatements('accounts', {
    create: `INSERT INTO ${accounts} (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)`,
    findById: `SELECT ${columns} FROM ${accounts} WHERE id = $1`,
    findByUsername: `SELECT ${columns} FROM ${accounts} WHERE lower(username) = lower($1)`,
    updatePassword: `UPDATE ${accounts} SET password_hash = $2 WHERE lower(username) = lower($1)`,
    remove: `DELETE FROM ${accounts} WHERE lower(username) = lower($1)`,
    recordSignIn: `UPDATE ${accounts} SET last_sign_in_at = $2 WHERE id = $1`,
    setLocked: `UPDATE ${accounts} SET locked_at = $2 WHERE lower(username) = lower($1)`,
    list: `SELECT ${columns} FROM ${accounts} ORDER BY lower(username), username`,
    count: `SELECT count(*) AS n FROM ${accounts}`,
  });

  return {
    async create(account) {
      try {
        await pool.query({
          ...sql.create,
          values: [account.id, account.username, account.passwordHash, account.createdAt],
        });
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_username_lower')) {
          throw new DuplicateAccountError(account.username);
        }
        throw error;
      }
    },
    async findById(id) {
      return toAccount((await pool.query<AccountRow>({ ...sql.findById, values: [id] })).rows[0]);
    },
    async findByUsername(username) {
      return toAccount((await pool.query<AccountRow>({ ...sql.findByUsername, values: [username] })).rows[0]);
    },
    async updatePassword(username, passwordHash) {
      return (await pool.query({ ...sql.updatePassword, values: [username, passwordHash] })).rowCount === 1;
    },
    async remove(username) {
      return (await pool.query({ ...sql.remove, values: [username] })).rowCount === 1;
    },
    async recordSignIn(id, at) {
      await pool.query({ ...sql.recordSignIn, values: [id, at] });
    },
    async setLocked(username, at) {
      return (await pool.query({ ...sql.setLocked, values: [username, at ?? null] })).rowCount === 1;
    },
    async list() {
      return (await pool.query<AccountRow>(sql.list)).rows.map((row) => toAccount(row) as AccountRecord);
    },
    async count() {
      return toNumber((await pool.query<{ n: string }>(sql.count)).rows[0]?.n ?? 0);
    },
  };
}
