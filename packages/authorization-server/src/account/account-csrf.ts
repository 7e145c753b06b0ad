import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

/**
 * What the account page's CSRF tokens (interactions/csrf.ts) are bound to. Signed in: the
 * session's stable uid, so only a page rendered for this browser's session posts. Before sign-in
 * there is no session yet: a random value in a cookie of its own (a signed double submit, against
 * login CSRF: signing a victim's browser in as the attacker). The prefixes keep these apart from
 * interaction uids, which have no colon.
 */
export function signedInCsrfBinding(sessionUid: string): string {
  return `account:${sessionUid}`;
}

const SIGN_IN_COOKIE = 'account_sign_in';
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

/** The pre-sign-in binding of this browser, made (and its cookie set) when it has none. */
export function signInCsrfBinding(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  secure: boolean,
): string {
  const ctx = provider.createContext(req, res);
  const existing = ctx.cookies.get(SIGN_IN_COOKIE, { signed: false });
  if (existing && NONCE.test(existing)) return `account-sign-in:${existing}`;
  const nonce = randomBytes(24).toString('base64url');
  ctx.cookies.secure = secure;
  ctx.cookies.set(SIGN_IN_COOKIE, nonce, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/account',
    signed: false,
  });
  return `account-sign-in:${nonce}`;
}

/** The pre-sign-in binding the request's cookie carries, if any. */
export function presentedSignInCsrfBinding(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const value = provider.createContext(req, res).cookies.get(SIGN_IN_COOKIE, { signed: false });
  return value && NONCE.test(value) ? `account-sign-in:${value}` : undefined;
}
