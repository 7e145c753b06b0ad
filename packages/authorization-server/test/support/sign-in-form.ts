import assert from 'node:assert/strict';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { formAction, hiddenValue, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';

export interface SignInAttempt {
  readonly status: number;
  /** `Retry-After` in seconds, when the attempt was throttled. */
  readonly retryAfter: number | undefined;
  readonly page: string;
}

/**
 * One browser's sign-in page, posted to again and again, each time from a chosen address (sent
 * as `X-Forwarded-For`: the server must run with `trustProxy`). A wrong password re-renders the
 * page, so one page serves any number of failed attempts.
 */
export class SignInForm {
  readonly #issuer: string;
  readonly #jar: CookieJar;
  #action: string;
  #csrf: string;

  private constructor(issuer: string, jar: CookieJar, action: string, csrf: string) {
    this.#issuer = issuer;
    this.#jar = jar;
    this.#action = action;
    this.#csrf = csrf;
  }

  /** Starts an authorization for a new public client and stops at its sign-in page. */
  static async open(issuer: string): Promise<SignInForm> {
    const client = await registerPublicClient(issuer);
    const jar = new CookieJar();
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3030/callback',
      code_challenge: createPkcePair().challenge,
      code_challenge_method: 'S256',
      scope: 'user',
    }).toString();
    let response = await fetch(url, { redirect: 'manual' });
    for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
      jar.store(response);
      const next = new URL(response.headers.get('location') ?? '', issuer);
      response = await fetch(next, { headers: { cookie: jar.header() }, redirect: 'manual' });
    }
    jar.store(response);
    assert.equal(response.status, 200, 'the sign-in page');
    const page = await response.text();
    return new SignInForm(issuer, jar, formAction(page, /\/login$/), hiddenValue(page, 'csrf'));
  }

  async submit(username: string, password: string, fromAddress: string): Promise<SignInAttempt> {
    const url = new URL(this.#action, this.#issuer);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        cookie: this.#jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        origin: url.origin,
        'x-forwarded-for': fromAddress,
      },
      body: new URLSearchParams({ csrf: this.#csrf, username, password }),
      redirect: 'manual',
    });
    this.#jar.store(response);
    const page = await response.text();
    if (response.status === 401 || response.status === 429) {
      this.#action = formAction(page, /\/login$/);
      this.#csrf = hiddenValue(page, 'csrf');
    }
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      retryAfter: retryAfter === null ? undefined : Number(retryAfter),
      page,
    };
  }
}

/** A sign-in that succeeded: oidc-provider resumes the flow with a 303. */
export const SIGNED_IN = 303;
export const WRONG_PASSWORD = 401;
export const THROTTLED = 429;
