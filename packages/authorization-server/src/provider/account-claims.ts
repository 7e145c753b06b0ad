import type { Configuration } from 'oidc-provider';
import type { Account, AccountService } from '../accounts/account-service.ts';

/**
 * `findAccount` and `extraTokenClaims`: who a grant's account is, and the name an access token
 * and an introspection answer carry for it (RFC 7662 §2.2 `username`: a human-readable name of
 * the resource owner, so a resource server can say who is calling).
 */
export function accountConfiguration(
  accounts: AccountService,
): Pick<Configuration, 'findAccount' | 'extraTokenClaims'> {
  const accountOf = accountReadOncePerRequest(accounts);
  return {
    findAccount: async (ctx, sub) => {
      const account = await accountOf(ctx, sub);
      // A locked account (`mcp-auth-as users lock`) is no account: its codes and refresh tokens
      // are refused (oidc-provider `helpers/grant_common.js`) even if a grant survived the lock.
      if (!account || account.lockedAt !== undefined) return undefined;
      return {
        accountId: account.id,
        claims: async () => ({ sub: account.id, preferred_username: account.username }),
      };
    },
    extraTokenClaims: async (ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      const account = accountId ? await accountOf(ctx, accountId) : undefined;
      return account ? { username: account.username } : undefined;
    },
  };
}

/**
 * The token endpoint's code and refresh_token grants need the account twice in one request: to
 * check that it still exists (`findAccount`, oidc-provider `helpers/grant_common.js`) and to name
 * it in the new access token (`extraTokenClaims`, `models/formats/opaque.js`). Both get the same
 * koa context, so the first read serves the second. Nothing outlives the request: the reads are
 * keyed by its context and go with it.
 */
function accountReadOncePerRequest(accounts: AccountService) {
  const readsByRequest = new WeakMap<object, Map<string, Promise<Account | undefined>>>();
  return (ctx: object | undefined, id: string): Promise<Account | undefined> => {
    if (!ctx) return accounts.findById(id);
    let reads = readsByRequest.get(ctx);
    if (!reads) {
      reads = new Map();
      readsByRequest.set(ctx, reads);
    }
    let read = reads.get(id);
    if (!read) {
      read = accounts.findById(id);
      reads.set(id, read);
    }
    return read;
  };
}
