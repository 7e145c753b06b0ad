import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { introspect } from '@mcp-auth/test-support/oauth-flow';
import { AccountBrowser } from '../support/account-browser.ts';
import { devIntrospectionAuth, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Cross-site request forgery on `/account` (RFC 6749 §10.12 and the MCP security considerations
 * ask it of every form that changes state): a page elsewhere must not disconnect a person's app,
 * change their password, sign them out, or sign their browser in as the attacker (login CSRF).
 * Each post needs the token of a page rendered for this browser's session (or, before sign-in,
 * for its sign-in cookie) and a same-origin `Origin` / `Sec-Fetch-Site` when the browser sends
 * one. A refused post changes nothing, and GET never changes anything.
 */
describe('CSRF on the account page', () => {
  let server: TestAuthorizationServer;
  let browser: AccountBrowser;
  let app: Awaited<ReturnType<typeof signInNewClient>>;
  let grantId: string;
  const isActive = async (token: string) =>
    (
      (await (await introspect(server.issuer, token, devIntrospectionAuth(server))).json()) as {
        active: boolean;
      }
    ).active;

  before(async () => {
    server = await startTestServer();
    app = await signInNewClient(server);
    browser = new AccountBrowser(server.issuer);
    await browser.signIn(TEST_USER.username, TEST_USER.password);
    grantId = browser.connectedApps().find((entry) => entry.clientId === app.client.client_id)?.grantId ?? '';
    assert.ok(grantId);
  });
  after(() => server.dispose());

  const forgeries: { name: string; fields: Record<string, string>; headers?: Record<string, string> }[] = [
    { name: 'without a token', fields: { csrf: '' } },
    { name: 'with a made-up token', fields: { csrf: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } },
    {
      name: 'from another origin, with the right token',
      fields: {},
      headers: { origin: 'https://evil.example' },
    },
    {
      name: 'cross-site by Fetch metadata, with the right token',
      fields: {},
      headers: { 'sec-fetch-site': 'cross-site' },
    },
  ];

  for (const forgery of forgeries) {
    it(`a post ${forgery.name} is refused with 403 and changes nothing`, async () => {
      await browser.open();
      const posts = [
        ['/account/disconnect', { grant: grantId }],
        [
          '/account/password',
          { current: TEST_USER.password, new: 'attacker password', repeat: 'attacker password' },
        ],
        ['/account/sign-out-everywhere', {}],
      ] as const;
      for (const [path, fields] of posts) {
        const answer = await browser.post(path, { ...fields, ...forgery.fields }, forgery.headers);
        assert.equal(answer.status, 403, path);
        assert.match(answer.page, /Nothing was changed/);
      }
      assert.equal(await isActive(app.tokens.access_token), true, 'the app is still connected');
      assert.ok(
        await server.accounts.authenticate(TEST_USER.username, TEST_USER.password),
        'password unchanged',
      );
      assert.match((await browser.open()).page, /Connected apps/, 'still signed in');
    });
  }

  it('a token of another browser’s page does not work in this one', async () => {
    const other = new AccountBrowser(server.issuer);
    await other.signIn(TEST_USER.username, TEST_USER.password);
    await browser.open();
    const answer = await browser.post('/account/disconnect', { grant: grantId, csrf: other.csrf() });
    assert.equal(answer.status, 403);
    assert.equal(await isActive(app.tokens.access_token), true);
  });

  it('login CSRF: a sign-in post without this browser’s sign-in cookie is refused', async () => {
    const victim = new AccountBrowser(server.issuer);
    const attacker = new AccountBrowser(server.issuer);
    await attacker.open();
    // The attacker's own token, posted from the victim's browser (which has no such cookie).
    const answer = await victim.post('/account/sign-in', {
      csrf: attacker.csrf(),
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    assert.equal(answer.status, 403);
    assert.match((await victim.open()).page, /action="\/account\/sign-in"/, 'the victim is not signed in');
  });

  it('GET never changes state: the action paths answer 405 to GET', async () => {
    for (const path of [
      '/account/disconnect',
      '/account/password',
      '/account/sign-out-everywhere',
      '/account/sign-in',
    ]) {
      const response = await fetch(`${server.issuer}${path}?grant=${grantId}`, {
        headers: { cookie: browser.jar.header() },
        redirect: 'manual',
      });
      assert.equal(response.status, 405, path);
      assert.equal(response.headers.get('allow'), 'POST');
    }
    assert.equal(await isActive(app.tokens.access_token), true);
  });
});
