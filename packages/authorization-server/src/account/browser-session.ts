import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Issuer } from '../issuer.ts';
import { SESSION_TTL_SECONDS } from '../provider/token-configuration.ts';

/** Who this browser is signed in as at the AS, from oidc-provider's session cookie. */
export interface SignedInBrowser {
  readonly accountId: string;
  /** The session's stable id (it survives a new session cookie): the account page's CSRF binding. */
  readonly sessionUid: string;
}

/**
 * The AS's one sign-in session per browser is oidc-provider's: /account reads it (so a person
 * who signed in for an app is signed in here too) and starts it (signing in on /account signs in
 * for apps too), through oidc-provider's Session model and its signed `_session` cookie.
 */
export class BrowserSessions {
  readonly #provider: Provider;
  readonly #secureCookie: boolean;

  constructor(provider: Provider, issuer: Issuer) {
    this.#provider = provider;
    this.#secureCookie = issuer.isHttps;
  }

  /** The signed-in account of this request's session, if any (an ended session is none). */
  async signedIn(req: IncomingMessage, res: ServerResponse): Promise<SignedInBrowser | undefined> {
    const session = await this.#provider.Session.get(this.#provider.createContext(req, res));
    if (!session.accountId) return undefined;
    return { accountId: session.accountId, sessionUid: session.uid };
  }

  /**
   * Signs this browser in as `accountId`: a session under a new id, whatever id it had before
   * (OWASP Session Management: a new session identifier at every sign-in, against fixation).
   */
  async signIn(req: IncomingMessage, res: ServerResponse, accountId: string): Promise<void> {
    const ctx = this.#provider.createContext(req, res);
    // oidc-provider's Session: `new` when the browser had no session cookie, `id` its cookie value.
    const session = (await this.#provider.Session.get(ctx)) as Awaited<
      ReturnType<Provider['Session']['get']>
    > & {
      readonly new?: boolean;
      readonly id: string;
    };
    if (!session.new) session.resetIdentifier();
    session.loginAccount({ accountId, amr: ['pwd'] });
    await session.save(SESSION_TTL_SECONDS);
    ctx.cookies.secure = this.#secureCookie;
    ctx.cookies.set(this.#provider.cookieName('session'), session.id, {
      ...this.#cookieOptions(),
      expires: new Date((session.exp ?? Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS) * 1000),
    });
  }

  /** Forgets this browser's session cookie (the sessions themselves are ended in storage). */
  clear(req: IncomingMessage, res: ServerResponse): void {
    const ctx = this.#provider.createContext(req, res);
    ctx.cookies.secure = this.#secureCookie;
    ctx.cookies.set(this.#provider.cookieName('session'), null, this.#cookieOptions());
  }

  /** As oidc-provider sets its `long` cookies (provider/create-provider.ts). */
  #cookieOptions() {
    return { httpOnly: true, sameSite: 'lax', secure: this.#secureCookie, path: '/' } as const;
  }
}
