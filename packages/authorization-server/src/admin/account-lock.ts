import { endSessionsOf } from '../accounts/account-sessions.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';
import { revokeGrants } from './grant-inventory.ts';

export type LockOutcome =
  | { readonly found: false }
  | { readonly found: true; readonly grantsRevoked: number; readonly sessionsEnded: number };

/**
 * `mcp-auth-as users lock NAME`: the account can no longer sign in (the sign-in page says it is
 * locked, and only to someone who typed its password), and what it already holds stops working:
 * every grant it gave is revoked (its refresh tokens, codes and access tokens: introspection
 * answers them inactive, a JWT-verifying resource server refuses them at their `exp`), and its
 * sign-in sessions at the AS end, so no browser skips the sign-in page on its behalf. Should a
 * grant survive (issued while this ran), oidc-provider still refuses its refresh tokens: a locked
 * account is not found (provider/account-claims.ts). Unlocking restores none of it.
 */
export async function lockAccount(backend: StorageBackend, username: string): Promise<LockOutcome> {
  const account = await backend.accounts.findByUsername(username);
  if (!account || !(await backend.accounts.setLocked(account.username, Math.floor(Date.now() / 1000)))) {
    return { found: false };
  }
  const revoked = await revokeGrants(backend, { accountId: account.id });
  const sessionsEnded = await endSessionsOf(backend.artifacts, account.id);
  return { found: true, grantsRevoked: revoked.length, sessionsEnded };
}

/** `mcp-auth-as users unlock NAME`: it may sign in again. False when there is no such account. */
export function unlockAccount(backend: StorageBackend, username: string): Promise<boolean> {
  return backend.accounts.setLocked(username, undefined);
}
