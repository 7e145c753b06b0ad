import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendHtml } from '../http/responses.ts';
import { setPageSecurityHeaders } from '../http/security-headers.ts';
import { renderAccountPage, renderAccountSignInPage } from '../pages/index.ts';
import { signedInCsrfBinding, signInCsrfBinding } from './account-csrf.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import type { SignedInBrowser } from './browser-session.ts';
import { connectedAppsOf } from './connected-apps.ts';

/** What a finished action says on the page it redirects to (`/account?done=…`); our words only. */
export const ACCOUNT_NOTICES = {
  disconnected: 'The app is disconnected: its access stopped, and it has to ask you again.',
  'password-changed': 'Your password is changed. Every other browser signed in as you is signed out.',
  'signed-out': 'You are signed out everywhere.',
} as const;

export type AccountNotice = keyof typeof ACCOUNT_NOTICES;

/** The notice a `done` query parameter names, if it names one (anything else shows nothing). */
export function noticeOf(req: IncomingMessage): string | undefined {
  const done = new URL(req.url ?? '/', 'http://x').searchParams.get('done');
  return done && Object.hasOwn(ACCOUNT_NOTICES, done) ? ACCOUNT_NOTICES[done as AccountNotice] : undefined;
}

/** The account page of a signed-in browser, with a notice or an error when there is one. */
export async function sendAccountPage(
  deps: AccountDependencies,
  res: ServerResponse,
  browser: SignedInBrowser,
  shown: { status?: number; notice?: string | undefined; error?: string } = {},
): Promise<void> {
  const account = await deps.accounts.findById(browser.accountId);
  const apps = await connectedAppsOf(deps, browser.accountId);
  setPageSecurityHeaders(res);
  sendHtml(
    res,
    shown.status ?? 200,
    renderAccountPage({
      username: account?.username ?? browser.accountId,
      apps,
      csrfToken: deps.csrf.tokenFor(signedInCsrfBinding(browser.sessionUid)),
      issuerHost: deps.issuer.host,
      ...(shown.notice ? { notice: shown.notice } : {}),
      ...(shown.error ? { error: shown.error } : {}),
    }),
  );
}

/** The sign-in form of `/account`, for a browser not signed in. */
export function sendAccountSignInPage(
  deps: AccountDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  shown: { status?: number; notice?: string | undefined; error?: string; username?: string } = {},
): void {
  const binding = signInCsrfBinding(deps.provider, req, res, deps.issuer.isHttps);
  setPageSecurityHeaders(res);
  sendHtml(
    res,
    shown.status ?? 200,
    renderAccountSignInPage({
      csrfToken: deps.csrf.tokenFor(binding),
      issuerHost: deps.issuer.host,
      ...(shown.notice ? { notice: shown.notice } : {}),
      ...(shown.error ? { error: shown.error } : {}),
      ...(shown.username ? { username: shown.username } : {}),
    }),
  );
}

/** After a form post: back to `/account` (RFC 9110 §15.4.4 303: GET it), saying what was done. */
export function redirectToAccount(res: ServerResponse, done?: AccountNotice): void {
  res.statusCode = 303;
  res.setHeader('location', done ? `/account?done=${done}` : '/account');
  res.setHeader('cache-control', 'no-store');
  res.end();
}
