import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authorize, introspect, refresh, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { AccountBrowser } from '../support/account-browser.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import { DEMO_RESOURCE, devIntrospectionAuth, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const backends = [
  { name: 'SQLite', postgres: false },
  { name: 'PostgreSQL', postgres: true },
] as const;

/**
 * `/account`: a person sees the apps they allowed and disconnects one (its grant revoked: its
 * tokens inactive at introspection, RFC 7662 §2.2, and its refresh token refused, RFC 6749 §5.2
 * `invalid_grant`), changes their password (other sessions end) and signs out everywhere.
 */
for (const backend of backends) {
  describe(`the account page on ${backend.name}`, () => {
    let dataDir: string;
    let schema: TestSchema | undefined;
    let server: TestAuthorizationServer;
    const isActive = async (token: string) =>
      (
        (await (await introspect(server.issuer, token, devIntrospectionAuth(server))).json()) as {
          active: boolean;
        }
      ).active;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-account-'));
      schema = backend.postgres ? freshTestSchema('account_page') : undefined;
      server = await startTestServer({ dataDir, ...(schema ? { database: schema.database } : {}) });
    });
    after(async () => {
      await server.close();
      await schema?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('not signed in, /account is a sign-in form with the pages’ security headers', async () => {
      const browser = new AccountBrowser(server.issuer);
      const answer = await browser.open();
      assert.equal(answer.status, 200);
      assert.match(answer.page, /action="\/account\/sign-in"/);
      const response = await fetch(`${server.issuer}/account`);
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    });

    it('a wrong password on /account is refused and starts no session', async () => {
      const browser = new AccountBrowser(server.issuer);
      await browser.open();
      const answer = await browser.post('/account/sign-in', {
        username: TEST_USER.username,
        password: 'wrong one',
      });
      assert.equal(answer.status, 401);
      assert.match(answer.page, /not right/);
      assert.match((await browser.open()).page, /action="\/account\/sign-in"/);
    });

    it('signing in on /account is the one sign-in session: an app then asks only for consent', async () => {
      const browser = new AccountBrowser(server.issuer);
      await browser.signIn(TEST_USER.username, TEST_USER.password);
      const client = await registerPublicClient(server.issuer);
      const outcome = await authorize(server.issuer, {
        clientId: client.client_id,
        scope: 'user',
        resource: DEMO_RESOURCE,
        username: TEST_USER.username,
        password: 'never typed: the session signs in',
        jar: browser.jar,
      });
      assert.deepEqual(outcome.pages, ['consent']);
      assert.ok(outcome.redirect.searchParams.get('code'));
    });

    it('lists the connected apps; Disconnect revokes one app’s tokens at once, the other keeps working', async () => {
      const kept = await signInNewClient(server);
      const gone = await signInNewClient(server);
      const browser = new AccountBrowser(server.issuer);
      await browser.signIn(TEST_USER.username, TEST_USER.password);
      const apps = browser.connectedApps();
      const goneApp = apps.find((app) => app.clientId === gone.client.client_id);
      assert.ok(goneApp, 'the app is listed');
      assert.ok(apps.some((app) => app.clientId === kept.client.client_id));
      assert.match(browser.page, /Registered itself \(dynamic client registration\)/);
      assert.match(browser.page, /MCP demo server/);
      // The code was redeemed: the grant got tokens, so its last use is shown (to the hour).
      assert.match(browser.page, /Last used<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC/);

      const answer = await browser.post('/account/disconnect', { grant: goneApp.grantId });
      assert.equal(answer.status, 303);
      assert.equal(answer.location, '/account?done=disconnected');
      assert.equal(await isActive(gone.tokens.access_token), false, 'its access token is inactive');
      const refused = await refresh(server.issuer, gone.client.client_id, gone.tokens.refresh_token);
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
      assert.equal(await isActive(kept.tokens.access_token), true, 'the other app is untouched');

      const page = await browser.open('/account?done=disconnected');
      assert.match(page.page, /The app is disconnected/);
      assert.ok(!browser.connectedApps().some((app) => app.clientId === gone.client.client_id));
    });

    it('disconnecting a grant that is not the person’s own changes nothing', async () => {
      const other = await signInNewClient(server);
      await server.accounts.create('bob', 'bob password 123');
      const bob = new AccountBrowser(server.issuer);
      await bob.signIn('bob', 'bob password 123');
      const alice = new AccountBrowser(server.issuer);
      await alice.signIn(TEST_USER.username, TEST_USER.password);
      const grantId = alice.connectedApps().find((app) => app.clientId === other.client.client_id)?.grantId;
      assert.ok(grantId);
      const answer = await bob.post('/account/disconnect', { grant: grantId });
      assert.equal(answer.status, 404);
      assert.match(answer.page, /Nothing was changed/);
      assert.equal(await isActive(other.tokens.access_token), true);
    });

    it('changing the password needs the current one, signs other browsers out and keeps this one in', async () => {
      await server.accounts.create('carol', 'carol password 1');
      const here = new AccountBrowser(server.issuer);
      await here.signIn('carol', 'carol password 1');
      const elsewhere = new AccountBrowser(server.issuer);
      await elsewhere.signIn('carol', 'carol password 1');

      const wrong = await here.post('/account/password', {
        current: 'not it',
        new: 'carol password 2',
        repeat: 'carol password 2',
      });
      assert.equal(wrong.status, 401);
      assert.match(wrong.page, /current password is not right/);
      const differ = await here.post('/account/password', {
        current: 'carol password 1',
        new: 'carol password 2',
        repeat: 'carol password 3',
      });
      assert.equal(differ.status, 400);
      const short = await here.post('/account/password', {
        current: 'carol password 1',
        new: 'short',
        repeat: 'short',
      });
      assert.equal(short.status, 400);
      assert.match(short.page, /at least 8 characters/);

      const changed = await here.post('/account/password', {
        current: 'carol password 1',
        new: 'carol password 2',
        repeat: 'carol password 2',
      });
      assert.equal(changed.status, 303);
      assert.match((await here.open('/account?done=password-changed')).page, /Your password is changed/);
      assert.match(
        (await elsewhere.open()).page,
        /action="\/account\/sign-in"/,
        'the other browser is signed out',
      );
      assert.equal(await server.accounts.authenticate('carol', 'carol password 1'), undefined);
      assert.ok(await server.accounts.authenticate('carol', 'carol password 2'));
    });

    it('sign out everywhere ends every session of the person, this browser’s too', async () => {
      await server.accounts.create('dave', 'dave password 1');
      const one = new AccountBrowser(server.issuer);
      await one.signIn('dave', 'dave password 1');
      const two = new AccountBrowser(server.issuer);
      await two.signIn('dave', 'dave password 1');
      const answer = await one.post('/account/sign-out-everywhere', {});
      assert.equal(answer.status, 303);
      assert.match((await one.open('/account?done=signed-out')).page, /signed out everywhere/);
      assert.match(one.page, /action="\/account\/sign-in"/);
      assert.match((await two.open()).page, /action="\/account\/sign-in"/);
    });
  });
}
