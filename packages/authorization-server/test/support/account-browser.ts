import assert from 'node:assert/strict';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { hiddenValue } from '@mcp-auth/test-support/oauth-flow';

/** An answer of the account page, its body read. */
export interface AccountAnswer {
  readonly status: number;
  readonly location: string | null;
  readonly page: string;
}

/**
 * One browser on `/account`, over plain HTTP with its own cookies: what a person's browser sends
 * (a same-origin `Origin` on every post, as browsers do), and the CSRF token of the last page.
 */
export class AccountBrowser {
  readonly jar = new CookieJar();
  readonly #issuer: string;
  /** The last page shown; its forms' CSRF token is posted by `post`. */
  page = '';

  constructor(issuer: string) {
    this.#issuer = issuer;
  }

  async open(path = '/account'): Promise<AccountAnswer> {
    const response = await fetch(new URL(path, this.#issuer), {
      headers: { cookie: this.jar.header() },
      redirect: 'manual',
    });
    return this.#read(response);
  }

  /** Signs in on `/account` and lands on the account page. */
  async signIn(username: string, password: string): Promise<void> {
    await this.open();
    const answer = await this.post('/account/sign-in', { username, password });
    assert.equal(answer.status, 303, `signing in on /account: ${answer.page.slice(0, 500)}`);
    const page = await this.open();
    assert.equal(page.status, 200);
    assert.match(page.page, /Connected apps/);
  }

  /** Posts a form of the page, with its CSRF token unless `fields` says otherwise. */
  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { origin: new URL(this.#issuer).origin },
  ): Promise<AccountAnswer> {
    const body = new URLSearchParams({ csrf: this.csrf(), ...fields });
    const response = await fetch(new URL(path, this.#issuer), {
      method: 'POST',
      headers: {
        cookie: this.jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
      redirect: 'manual',
    });
    return this.#read(response);
  }

  csrf(): string {
    return this.page ? hiddenValue(this.page, 'csrf') : '';
  }

  /** The grant ids of the apps the last page lists, with their client ids. */
  connectedApps(): { grantId: string; clientId: string }[] {
    const apps: { grantId: string; clientId: string }[] = [];
    for (const section of this.page.split('<section class="resource connected-app">').slice(1)) {
      const clientId = /Client ID <span class="mono">([^<]+)<\/span>/.exec(section)?.[1] ?? '';
      const grantId = /name="grant" value="([^"]+)"/.exec(section)?.[1] ?? '';
      apps.push({ grantId, clientId });
    }
    return apps;
  }

  async #read(response: Response): Promise<AccountAnswer> {
    this.jar.store(response);
    const page = await response.text();
    if (response.status !== 303) this.page = page;
    return { status: response.status, location: response.headers.get('location'), page };
  }
}
