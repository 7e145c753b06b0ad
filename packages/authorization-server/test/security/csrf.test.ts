import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { formAction, hiddenValue, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { REGISTERED_REDIRECT_URI, requestAuthorization } from '../support/authorization-request.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Cross-site request forgery on the sign-in, consent and cancel forms (RFC 6749 §10.12, MCP
 * security considerations): a page elsewhere must not be able to sign a person in as the
 * attacker (login CSRF), approve access for them, or cancel their sign-in. Each post needs the
 * synchronizer token of its own interaction, a same-origin `Origin` / `Sec-Fetch-Site` when the
 * browser sends one, and the interaction cookie of the browser that started it. A refused post
 * changes nothing: the same browser can still finish.
 */
interface Interaction {
  readonly jar: CookieJar;
  /** The form actions and the CSRF token of the page the interaction is at. */
  readonly page: string;
  readonly csrf: string;
  action(pattern: RegExp): URL;
}

describe('CSRF on the sign-in, consent and cancel forms', () => {
  let server: TestAuthorizationServer;
  let clientId: string;
  before(async () => {
    server = await startTestServer();
    clientId = (await registerPublicClient(server.issuer)).client_id;
  });
  after(() => server.dispose());

  /** A browser starting a sign-in: its cookie jar and the sign-in page it was sent to. */
  async function startInteraction(): Promise<Interaction> {
    const jar = new CookieJar();
    const started = await requestAuthorization(server.issuer, clientId, {
      resource: 'http://localhost:8001/mcp',
    });
    jar.store(started);
    const pageUrl = new URL(started.headers.get('location') ?? '', server.issuer);
    return pageOf(jar, pageUrl);
  }

  async function pageOf(jar: CookieJar, url: URL): Promise<Interaction> {
    const response = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
    jar.store(response);
    assert.equal(response.status, 200, `a page at ${url}`);
    const page = await response.text();
    return {
      jar,
      page,
      csrf: hiddenValue(page, 'csrf'),
      action: (pattern) => new URL(formAction(page, pattern), server.issuer),
    };
  }

  const post = (
    url: URL,
    jar: CookieJar,
    fields: Record<string, string>,
    headers: Record<string, string> = { origin: new URL(server.issuer).origin },
  ) =>
    fetch(url, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });

  const credentials = { username: TEST_USER.username, password: TEST_USER.password };

  /** Forged posts of one form: every one 403, none answered with a redirect. */
  async function assertForgeriesRefused(
    interaction: Interaction,
    pattern: RegExp,
    fields: Record<string, string>,
  ) {
    const other = await startInteraction();
    const forgeries: Array<[string, Record<string, string>, Record<string, string>?]> = [
      ['no CSRF token', fields],
      ['an empty CSRF token', { ...fields, csrf: '' }],
      ['the CSRF token of another interaction', { ...fields, csrf: other.csrf }],
      ['a CSRF token one character off', { ...fields, csrf: `${interaction.csrf.slice(0, -1)}x` }],
      ['a foreign Origin', { ...fields, csrf: interaction.csrf }, { origin: 'https://evil.example' }],
      ['Origin null without Fetch metadata', { ...fields, csrf: interaction.csrf }, { origin: 'null' }],
      [
        'Sec-Fetch-Site: cross-site',
        { ...fields, csrf: interaction.csrf },
        { 'sec-fetch-site': 'cross-site' },
      ],
      ['Sec-Fetch-Site: same-site', { ...fields, csrf: interaction.csrf }, { 'sec-fetch-site': 'same-site' }],
    ];
    for (const [what, body, headers] of forgeries) {
      const response = await post(interaction.action(pattern), interaction.jar, body, headers);
      assert.equal(response.status, 403, what);
      assert.equal(response.headers.get('location'), null, `${what}: no redirect`);
      await response.body?.cancel();
    }
  }

  it('sign-in form: forged posts are 403 and sign no one in; the real one then works', async () => {
    const interaction = await startInteraction();
    await assertForgeriesRefused(interaction, /\/login$/, credentials);
    const real = await post(interaction.action(/\/login$/), interaction.jar, {
      ...credentials,
      csrf: interaction.csrf,
    });
    assert.equal(real.status, 303, 'the forgeries left the interaction as it was');
  });

  it('login CSRF: the attacker’s own sign-in form, posted from the person’s browser, is refused', async () => {
    const attacker = await startInteraction();
    const victim = await startInteraction();
    // The attacker's page auto-submits the attacker's form (its uid and token) in the victim's
    // browser, which sends the victim's interaction cookie.
    const response = await post(attacker.action(/\/login$/), victim.jar, {
      username: 'mallory',
      password: 'mallory password',
      csrf: attacker.csrf,
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /does not belong to this browser/);
  });

  it('consent form: forged approvals are 403 and issue no code; the real one then works', async () => {
    const interaction = await startInteraction();
    const signedIn = await post(interaction.action(/\/login$/), interaction.jar, {
      ...credentials,
      csrf: interaction.csrf,
    });
    assert.equal(signedIn.status, 303);
    interaction.jar.store(signedIn);
    const consent = await followToPage(interaction.jar, signedIn);
    assert.match(consent.page, /Allow/);
    await assertForgeriesRefused(consent, /\/confirm$/, {});
    const real = await post(consent.action(/\/confirm$/), consent.jar, { csrf: consent.csrf });
    assert.equal(real.status, 303);
    consent.jar.store(real);
    const redirect = await followToClient(consent.jar, real);
    assert.ok(redirect.searchParams.get('code'), 'approved after the forgeries');
  });

  it('cancel form: forged cancels are 403 and cancel nothing; the person can still sign in', async () => {
    const interaction = await startInteraction();
    await assertForgeriesRefused(interaction, /\/abort$/, {});
    const real = await post(interaction.action(/\/login$/), interaction.jar, {
      ...credentials,
      csrf: interaction.csrf,
    });
    assert.equal(real.status, 303);
  });

  async function followToPage(jar: CookieJar, from: Response): Promise<Interaction> {
    let response = from;
    for (let hops = 0; hops < 5; hops++) {
      const next = new URL(response.headers.get('location') ?? '', server.issuer);
      if (next.pathname.startsWith('/interaction/')) return pageOf(jar, next);
      response = await fetch(next, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.store(response);
    }
    throw new Error('no interaction page');
  }

  async function followToClient(jar: CookieJar, from: Response): Promise<URL> {
    let response = from;
    for (let hops = 0; hops < 5; hops++) {
      const next = new URL(response.headers.get('location') ?? '', server.issuer);
      if (next.href.startsWith(REGISTERED_REDIRECT_URI)) return next;
      response = await fetch(next, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.store(response);
    }
    throw new Error('no redirect to the client');
  }
});
