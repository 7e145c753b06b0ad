import { randomBytes, randomUUID } from 'node:crypto';
import { UsageError } from '@mcp-auth/shared';
import type { AccountRecord, AccountStore } from '../storage/storage-backend.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hash.ts';

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

/** People who can sign in. Passwords are only ever held as scrypt hashes. */
export class AccountService {
  readonly #store: AccountStore;

  constructor(store: AccountStore) {
    this.#store = store;
  }

  async create(username: string, password: string): Promise<AccountRecord> {
    validateUsername(username);
    validateNewPassword(password);
    const account: AccountRecord = {
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(password),
      createdAt: Math.floor(Date.now() / 1000),
    };
    await this.#store.create(account);
    return account;
  }

  async changePassword(username: string, password: string): Promise<boolean> {
    validateNewPassword(password);
    return this.#store.updatePassword(username, await hashPassword(password));
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

  /** Returns the account when the password is right; always spends one scrypt either way. */
  async authenticate(username: string, password: string): Promise<AccountRecord | undefined> {
    const account = USERNAME_PATTERN.test(username) ? await this.#store.findByUsername(username) : undefined;
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyPasswordHash()));
    return account && matches ? account : undefined;
  }
}

/** A memorable but unguessable password for the generated demo account. */
export function generateDemoPassword(): string {
  return randomBytes(12).toString('base64url');
}
