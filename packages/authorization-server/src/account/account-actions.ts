import type { IncomingMessage, ServerResponse } from 'node:http';
import { UsageError } from '@mcp-auth/shared';
import { validateNewPassword } from '../accounts/account-service.ts';
import { endSessionsOf } from '../accounts/account-sessions.ts';
import { revokeGrant } from '../admin/grant-inventory.ts';
import { attemptSignIn } from '../interactions/attempt-sign-in.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { redirectToAccount, sendAccountPage } from './account-views.ts';
import type { SignedInBrowser } from './browser-session.ts';
import { ownGrantClient } from './connected-apps.ts';

export type SignedInAction = (
  deps: AccountDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  browser: SignedInBrowser,
  form: URLSearchParams,
) => Promise<void>;

/**
 * `POST /account/disconnect`: revokes the grant, as `mcp-auth-as grants revoke` does
 * (admin/grant-inventory.ts): its codes, refresh and access tokens go at once, so introspection
 * answers them inactive; a resource server that caches introspection stops accepting them when
 * its cache entry ends (README "Operating it"). Only the person's own grants.
 */
export const disconnectApp: SignedInAction = async (deps, _req, res, browser, form) => {
  const grantId = form.get('grant') ?? '';
  const owned = grantId ? await ownGrantClient(deps.backend, browser.accountId, grantId) : undefined;
  if (!owned) {
    return sendAccountPage(deps, res, browser, {
      status: 404,
      error: 'That app is not connected to your account (any more). Nothing was changed.',
    });
  }
  await revokeGrant(deps.backend, grantId);
  deps.audit.record({
    event: 'grant.revoked',
    grantId,
    accountId: browser.accountId,
    ...(owned.clientId ? { clientId: owned.clientId } : {}),
    by: 'account_page',
  });
  redirectToAccount(res, 'disconnected');
};

/**
 * `POST /account/password`: the current password is checked like any sign-in (throttled,
 * audited); the new one twice. Every session of the account then ends, and this browser gets a
 * new one: whoever else was signed in as this person is signed out.
 */
export const changePassword: SignedInAction = async (deps, req, res, browser, form) => {
  const account = await deps.accounts.findById(browser.accountId);
  if (!account) {
    deps.sessions.clear(req, res);
    return redirectToAccount(res);
  }
  const refuse = (status: number, error: string) => sendAccountPage(deps, res, browser, { status, error });
  const source = { address: deps.clientIp(req), username: account.username };
  const check = await attemptSignIn(deps, source, form.get('current') ?? '', 'account_page');
  if (check.outcome === 'refused') {
    if (check.retryAfterSeconds) res.setHeader('retry-after', String(check.retryAfterSeconds));
    const error =
      check.status === 401
        ? 'The current password is not right. Your password was not changed.'
        : check.error;
    return refuse(check.status, error);
  }
  const next = form.get('new') ?? '';
  if (next !== (form.get('repeat') ?? '')) {
    return refuse(
      400,
      'The two new passwords differ. Your password was not changed; type the new one twice.',
    );
  }
  try {
    validateNewPassword(next);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return refuse(400, `The new password was refused: ${error.message}. Your password was not changed.`);
  }
  await deps.accounts.changePassword(account.username, next);
  const sessionsEnded = await endSessionsOf(deps.backend.artifacts, account.id);
  await deps.sessions.signIn(req, res, account.id);
  deps.audit.record({
    event: 'account.password_changed',
    accountId: account.id,
    address: source.address,
    sessionsEnded,
  });
  redirectToAccount(res, 'password-changed');
};

/** `POST /account/sign-out-everywhere`: every session of the account ends, this browser's too. */
export const signOutEverywhere: SignedInAction = async (deps, req, res, browser) => {
  const sessionsEnded = await endSessionsOf(deps.backend.artifacts, browser.accountId);
  deps.sessions.clear(req, res);
  deps.audit.record({
    event: 'account.signed_out_everywhere',
    accountId: browser.accountId,
    address: deps.clientIp(req),
    sessionsEnded,
  });
  redirectToAccount(res, 'signed-out');
};
