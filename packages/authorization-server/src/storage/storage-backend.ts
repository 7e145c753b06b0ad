import type { SecretsStore } from '../keys/server-secrets.ts';
import type { SharedRateLimits } from '../rate-limits/rate-limiter.ts';

/**
 * The narrow storage interface every backend (SQLite now, PostgreSQL later) implements.
 *
 * It knows nothing about OAuth: it stores opaque JSON records keyed by (model, key) with an
 * optional expiry. The OAuth-aware layer (`provider/oidc-adapter.ts`) decides which keys are hashed
 * before they reach a backend, so no backend ever sees a token value or a client secret.
 *
 * Semantics every backend must honour (checked by `test/storage/contract.ts`):
 * - `expiresAt` is epoch seconds; a record whose `expiresAt` is in the past is never returned.
 * - `upsert` replaces the whole record (payload, expiry, secondary keys) and clears `consumed`.
 * - `consume` is atomic: of any number of concurrent callers for one record exactly one gets
 *   `{ outcome: 'consumed' }`; the others get `'already-consumed'`. A missing or expired record
 *   gives `'not-found'`.
 * - `revokeByGrantId` deletes every record of every model carrying that grant id.
 * - `purgeExpired` deletes records expired before `now` and returns how many it deleted. It
 *   deletes in bounded batches (PURGE_BATCH_ROWS) and lets other work run between them, so a
 *   backlog of expired rows never stalls the requests served meanwhile.
 * - `extendExpiry` only ever moves a live record's expiry later; a record without an expiry keeps
 *   none, and a missing or expired record stays missing.
 * - `countExpiring` counts the live records of one model that carry an expiry.
 * - `listLive` returns every live record of one model with its key and expiry, ordered by key:
 *   for the operator's commands (`clients list`, `grants list`) and the account page's rare actions
 *   (one person's grants and sessions), never for an OAuth endpoint.
 */

export interface StoredRecord {
  /** The JSON payload, exactly as it was upserted. */
  readonly payload: Record<string, unknown>;
  /** Epoch seconds when it was consumed, when it was. */
  readonly consumedAt?: number;
}

/** A live record as `listLive` returns it. */
export interface ListedRecord extends StoredRecord {
  readonly key: string;
  /** Epoch seconds; undefined: it never expires. */
  readonly expiresAt?: number;
}

export interface UpsertRecord {
  readonly model: string;
  /** The primary key (already hashed by the caller where it is a secret). */
  readonly key: string;
  readonly payload: Record<string, unknown>;
  /** Epoch seconds; undefined means the record never expires. */
  readonly expiresAt?: number;
  /** Secondary lookup keys (already hashed by the caller where they are secrets). */
  readonly grantId?: string;
  readonly uid?: string;
  readonly userCode?: string;
}

export type ConsumeOutcome =
  | { readonly outcome: 'consumed' }
  | { readonly outcome: 'already-consumed'; readonly grantId?: string }
  | { readonly outcome: 'not-found' };

/**
 * An upsert's column values, in the order both backends' statements list them: `model`, `key`,
 * `payload` (JSON), `expires_at`, `grant_id`, `uid`, `user_code`.
 */
export function upsertColumnValues(record: UpsertRecord): (string | number | null)[] {
  return [
    record.model,
    record.key,
    JSON.stringify(record.payload),
    record.expiresAt ?? null,
    record.grantId ?? null,
    record.uid ?? null,
    record.userCode ?? null,
  ];
}

/**
 * The answer to a consume that changed nothing, from the record as it is now: gone (or expired),
 * or consumed already, naming its grant so that a replay can revoke what the grant issued.
 */
export function consumeRefusal(row: { grant_id: string | null } | undefined): ConsumeOutcome {
  if (!row) return { outcome: 'not-found' };
  return row.grant_id === null
    ? { outcome: 'already-consumed' }
    : { outcome: 'already-consumed', grantId: row.grant_id };
}

export interface ArtifactStore {
  upsert(record: UpsertRecord): Promise<void>;
  find(model: string, key: string): Promise<StoredRecord | undefined>;
  findByUid(model: string, uid: string): Promise<StoredRecord | undefined>;
  findByUserCode(model: string, userCode: string): Promise<StoredRecord | undefined>;
  consume(model: string, key: string): Promise<ConsumeOutcome>;
  destroy(model: string, key: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  purgeExpired(now?: number): Promise<number>;
  /** Sets a live record's expiry (epoch seconds) to `expiresAt` when that is later than it is now. */
  extendExpiry(model: string, key: string, expiresAt: number): Promise<void>;
  /** How many live records of `model` carry an expiry (dynamic clients, see clients/dynamic-clients.ts). */
  countExpiring(model: string, now?: number): Promise<number>;
  /** Every live record of `model`, ordered by key (the operator's commands only). */
  listLive(model: string, now?: number): Promise<ListedRecord[]>;
}

export interface AccountRecord {
  readonly id: string;
  readonly username: string;
  /** `scrypt$N$r$p$salt$hash`, see `accounts/password-hash.ts`. */
  readonly passwordHash: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** Epoch seconds of the last successful sign-in, when there was one. */
  readonly lastSignInAt?: number;
  /** Epoch seconds when the operator locked it (`users lock`); a locked account cannot sign in. */
  readonly lockedAt?: number;
}

export interface AccountStore {
  /** Throws `DuplicateAccountError` when the username is taken. */
  create(account: AccountRecord): Promise<void>;
  findById(id: string): Promise<AccountRecord | undefined>;
  /** Usernames are compared case-insensitively. */
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  /** Returns false when no such account exists. */
  updatePassword(username: string, passwordHash: string): Promise<boolean>;
  /** Returns false when no such account exists. */
  remove(username: string): Promise<boolean>;
  /** Records a successful sign-in (epoch seconds). */
  recordSignIn(id: string, at: number): Promise<void>;
  /** Locks (`at` epoch seconds) or unlocks (`undefined`); returns false when no such account exists. */
  setLocked(username: string, at: number | undefined): Promise<boolean>;
  list(): Promise<AccountRecord[]>;
  count(): Promise<number>;
}

export class DuplicateAccountError extends Error {
  constructor(username: string) {
    super(`an account named "${username}" already exists`);
    this.name = 'DuplicateAccountError';
  }
}

export interface StorageBackend {
  readonly artifacts: ArtifactStore;
  readonly accounts: AccountStore;
  /**
   * Where the signing and cookie keys live, when the backend keeps them (PostgreSQL: every
   * instance must sign with the same keys). Without one, they are a file in the data folder.
   */
  readonly secrets?: SecretsStore;
  /**
   * Rate limits every instance on this backend shares (DCR, sign-in throttling): both backends
   * keep them (the SQLite file for the processes of `--workers N`, PostgreSQL for every
   * instance). Without them (a backend for tests), each process limits on its own.
   */
  readonly rateLimits?: SharedRateLimits;
  close(): Promise<void>;
}

/**
 * Rows one purge statement deletes at most. SQLite runs in the server's thread: a batch of this
 * size takes a few milliseconds, after which waiting requests are served before the next one.
 */
export const PURGE_BATCH_ROWS = 1000;
