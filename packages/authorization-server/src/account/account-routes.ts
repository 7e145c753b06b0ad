import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFormBody } from '../http/form-body.ts';
import type { Route } from '../http/route-table.ts';
import { attemptSignIn } from '../interactions/attempt-sign-in.ts';
import { ACCOUNT_ACTIONS, ACCOUNT_SIGN_IN_ACTION } from '../pages/index.ts';
import { changePassword, disconnectApp, type SignedInAction, signOutEverywhere } from './account-actions.ts';
import { presentedSignInCsrfBinding, signedInCsrfBinding } from './account-csrf.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { noticeOf, redirectToAccount, sendAccountPage, sendAccountSignInPage } from './account-views.ts';

export type { AccountDependencies } from './account-dependencies.ts';

/** Where people manage what they allowed: linked from the sign-in and consent pages. */
export const ACCOUNT_PATH = '/account';

const EXPIRED_FORM =
  'This form has expired or did not come from this server. Nothing was changed; try again here.';

/**
 * `/account` and its form posts, as rows of the app's route table. GET only shows; every POST
 * carries a CSRF token (interactions/csrf.ts) bound to this browser, checked before anything else
 * is done with it; a refused one gets the page again with a fresh token and nothing changed.
 */
export function accountRoutes(deps: AccountDependencies): Route[] {
  const signedInPost = (name: string, path: string, action: SignedInAction): Route => ({
    name,
    path,
    methods: ['POST'],
    errors: 'page',
    handle: async (req, res) => {
      const form = await readFormBody(req);
      const browser = await deps.sessions.signedIn(req, res);
      // No session (ended elsewhere, or a forged post without our cookie): the sign-in page.
      if (!browser) return redirectToAccount(res);
      if (!deps.csrf.isValid(req, signedInCsrfBinding(browser.sessionUid), form.get('csrf'))) {
        return sendAccountPage(deps, res, browser, { status: 403, error: EXPIRED_FORM });
      }
      await action(deps, req, res, browser, form);
    },
  });
  return [
    {
      name: 'account',
      path: ACCOUNT_PATH,
      methods: ['GET'],
      errors: 'page',
      handle: async (req, res) => {
        const browser = await deps.sessions.signedIn(req, res);
        if (!browser) return sendAccountSignInPage(deps, req, res, { notice: noticeOf(req) });
        await sendAccountPage(deps, res, browser, { notice: noticeOf(req) });
      },
    },
    {
      name: 'account_sign_in',
      path: ACCOUNT_SIGN_IN_ACTION,
      methods: ['POST'],
      errors: 'page',
      handle: (req, res) => submitAccountSignIn(deps, req, res),
    },
    signedInPost('account_disconnect', ACCOUNT_ACTIONS.disconnect, disconnectApp),
    signedInPost('account_password', ACCOUNT_ACTIONS.password, changePassword),
    signedInPost('account_sign_out_everywhere', ACCOUNT_ACTIONS.signOutEverywhere, signOutEverywhere),
  ];
}

/** `POST /account/sign-in`: one sign-in attempt (attempt-sign-in.ts), then a session of its own. */
async function submitAccountSignIn(
  deps: AccountDependencies,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = await readFormBody(req);
  const binding = presentedSignInCsrfBinding(deps.provider, req, res);
  const username = (form.get('username') ?? '').trim();
  if (!binding || !deps.csrf.isValid(req, binding, form.get('csrf'))) {
    return sendAccountSignInPage(deps, req, res, { status: 403, error: EXPIRED_FORM, username });
  }
  const source = { address: deps.clientIp(req), username };
  const attempt = await attemptSignIn(deps, source, form.get('password') ?? '', 'account_page');
  if (attempt.outcome === 'refused') {
    if (attempt.retryAfterSeconds) res.setHeader('retry-after', String(attempt.retryAfterSeconds));
    return sendAccountSignInPage(deps, req, res, { status: attempt.status, error: attempt.error, username });
  }
  await deps.sessions.signIn(req, res, attempt.account.id);
  redirectToAccount(res);
}
