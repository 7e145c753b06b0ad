import { readFile, rm } from 'node:fs/promises';
import { writePrivateFile } from '@mcp-auth/shared';
import { type AccountStore, DuplicateAccountError } from '../storage/storage-backend.ts';
import { type AccountService, generateDemoPassword } from './account-service.ts';
import { verifyPassword } from './password-hash.ts';

export const DEMO_USERNAME = 'demo';

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  /** True when this start created it. */
  readonly created: boolean;
}

/**
 * On first start (no accounts at all) a demo account is created with a random password, so the
 * seed's commands work with no manual step. Its password is kept in an owner-only file in the
 * data folder so start-up can print it again; changing or removing the account (with
 * `mcp-auth-as users`) makes it an ordinary account and the file is deleted.
 */
export async function ensureDemoAccount(
  accounts: AccountService,
  store: AccountStore,
  credentialsFile: string,
): Promise<DemoAccount | undefined> {
  if ((await accounts.count()) === 0) {
    const password = generateDemoPassword();
    try {
      await accounts.create(DEMO_USERNAME, password);
    } catch (error) {
      // Several instances on one fresh database: another one created it first.
      if (error instanceof DuplicateAccountError) return undefined;
      throw error;
    }
    await writePrivateFile(credentialsFile, `${JSON.stringify({ username: DEMO_USERNAME, password })}\n`);
    return { username: DEMO_USERNAME, password, created: true };
  }
  const saved = await readSavedDemoCredentials(credentialsFile);
  if (!saved) return undefined;
  const account = await store.findByUsername(saved.username);
  if (account && (await verifyPassword(saved.password, account.passwordHash))) {
    return { ...saved, created: false };
  }
  await rm(credentialsFile, { force: true });
  return undefined;
}

async function readSavedDemoCredentials(
  path: string,
): Promise<{ username: string; password: string } | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { username?: unknown }).username === 'string' &&
      typeof (parsed as { password?: unknown }).password === 'string'
    ) {
      return parsed as { username: string; password: string };
    }
  } catch {
    // Missing or unreadable: there is simply no demo hint to give.
  }
  return undefined;
}
