import { randomBytes, randomUUID } from 'node:crypto';
import { UsageError } from '@mcp-auth/shared';
import type { AccountRecord, AccountStore } from '../storage/storage-backend.ts';
import { createPasswordHasher, DECOY_PASSWORD_HASH, type PasswordHasher } from './password-hash.ts';

const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

export function validateUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new UsageError(
      'a username is 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
    );
  }
}

export function validateNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`a password has at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024) throw new UsageError('a password has at most 1024 characters');
}

/** A person who can sign in, as stored (the password only as its hash). */
export type Account = AccountRecord;

/**
 * One sign-in attempt's outcome. `locked` is only ever told to someone who typed the right
 * password: to anyone else a locked account answers like any wrong password, so the page
 * reveals nothing about an account to a person who does not hold its password.
 */
export type SignInOutcome =
  | { readonly outcome: 'signed-in'; readonly account: AccountRecord }
  | { readonly outcome: 'locked' }
  | { readonly outcome: 'refused' };

/** People who can sign in. Passwords are only ever held as scrypt hashes. */
export class AccountService {
  readonly #store: AccountStore;
  readonly #passwords: PasswordHasher;

  /** `passwords` is replaceable so that tests can count the scrypt work each sign-in costs. */
  constructor(store: AccountStore, passwords: PasswordHasher = createPasswordHasher()) {
    this.#store = store;
    this.#passwords = passwords;
  }

  async create(username: string, password: string): Promise<AccountRecord> {
    validateUsername(username);
    validateNewPassword(password);
    const account: AccountRecord = {
      id: randomUUID(),
      username,
      passwordHash: await this.#passwords.hash(password),
      createdAt: Math.floor(Date.now() / 1000),
    };
    await this.#store.create(account);
    return account;
  }

  async changePassword(username: string, password: string): Promise<boolean> {
    validateNewPassword(password);
    return this.#store.updatePassword(username, await this.#passwords.hash(password));
  }

  remove(username: string): Promise<boolean> {
    return this.#store.remove(username);
  }

  list(): Promise<AccountRecord[]> {
    return this.#store.list();
  }

  count(): Promise<number> {
    return this.#store.count();
  }

  findById(id: string): Promise<AccountRecord | undefined> {
    return this.#store.findById(id);
  }

  findByUsername(username: string): Promise<AccountRecord | undefined> {
    return this.#store.findByUsername(username);
  }

  /** Locks (`mcp-auth-as users lock`) or unlocks an account; false when there is none. */
  setLocked(username: string, locked: boolean): Promise<boolean> {
    return this.#store.setLocked(username, locked ? Math.floor(Date.now() / 1000) : undefined);
  }

  /**
   * Checks a sign-in attempt (`authenticate`) and, when it succeeds, records when: the operator
   * sees it in `users list`. A locked account with the right password is `locked`.
   */
  async signIn(username: string, password: string): Promise<SignInOutcome> {
    const account = await this.authenticate(username, password);
    if (!account) return { outcome: 'refused' };
    if (account.lockedAt !== undefined) return { outcome: 'locked' };
    await this.#store.recordSignIn(account.id, Math.floor(Date.now() / 1000));
    return { outcome: 'signed-in', account };
  }

  /**
   * Returns the account when the password is right. An unknown (or impossible) username is
   * checked against a decoy hash, so it costs the same one scrypt and gets the same answer as a
   * wrong password: neither the answer nor its time tells whether the account exists.
   */
  async authenticate(username: string, password: string): Promise<AccountRecord | undefined> {
    const account = USERNAME_PATTERN.test(username) ? await this.#store.findByUsername(username) : undefined;
    const matches = await this.#passwords.verify(password, account?.passwordHash ?? DECOY_PASSWORD_HASH);
    return account && matches ? account : undefined;
  }
}

/** A memorable but unguessable password for the generated demo account. */
export function generateDemoPassword(): string {
  return randomBytes(12).toString('base64url');
}
