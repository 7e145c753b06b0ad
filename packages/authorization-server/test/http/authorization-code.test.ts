import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  basicAuth,
  introspect,
  type RegisteredClient,
  redeemCode,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { redirectOf, requestAuthorization } from '../support/authorization-request.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const RESOURCE = 'http://localhost:8001/mcp';

describe('authorization code flow with PKCE', () => {
  let server: TestAuthorizationServer;
  let client: RegisteredClient;
  let devAuth: string;
  before(async () => {
    server = await startTestServer();
    client = await registerPublicClient(server.issuer);
    const credentials = server.devIntrospectionCredentials;
    assert.ok(credentials, 'a loopback issuer has a development introspection credential');
    devAuth = basicAuth(credentials.client_id, credentials.client_secret);
  });
  after(() => server.dispose());

  const signIn = (extra: Partial<Parameters<typeof authorize>[1]> = {}) =>
    authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
      ...extra,
    });

  it('OAuth 2.1 §4.1, RFC 9207 §2, RFC 8707 §2: sign-in and consent give a code with state and iss; the token is bound to the resource', async () => {
    const outcome = await signIn();
    assert.equal(outcome.redirect.searchParams.get('state'), outcome.state);
    assert.equal(outcome.redirect.searchParams.get('iss'), server.issuer);
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code);
    const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    const tokens = (await response.json()) as Record<string, string | number>;
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, 'user');
    assert.ok(
      typeof tokens.refresh_token === 'string',
      'SEP-2207: refresh_token grant registered → refresh token',
    );
    assert.ok(Number(tokens.expires_in) <= 3600);
    const details = (await (
      await introspect(server.issuer, String(tokens.access_token), devAuth)
    ).json()) as Record<string, unknown>;
    assert.equal(details.active, true);
    assert.equal(details.aud, RESOURCE);
    assert.equal(details.scope, 'user');
    assert.equal(details.client_id, client.client_id);
    assert.equal(details.iss, server.issuer);
  });

  it("RFC 6749 §3.3: a request without scope gets the resource's default scopes, on the consent page and in the token", async () => {
    let consentPage = '';
    const outcome = await signIn({
      scope: undefined,
      onPage: (kind, page) => {
        if (kind === 'consent') consentPage = page;
      },
    });
    assert.ok(
      consentPage.includes('Use the demo tools as you'),
      `the consent page names the default scope:\n${consentPage}`,
    );
    assert.doesNotMatch(consentPage, /See server statistics/, 'and only the default scope');
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `a code, not ${outcome.redirect.searchParams.get('error')}`);
    const tokens = (await (
      await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome })
    ).json()) as { access_token: string; scope: string };
    assert.equal(tokens.scope, 'user');
    const details = (await (await introspect(server.issuer, tokens.access_token, devAuth)).json()) as {
      scope: string;
      aud: string;
    };
    assert.equal(details.scope, 'user');
    assert.equal(details.aud, RESOURCE);
  });

  it('RFC 6749 §3.3: a request for offline_access only gets the default scopes and a refresh token', async () => {
    let consentPage = '';
    const outcome = await signIn({
      scope: 'offline_access',
      onPage: (kind, page) => {
        if (kind === 'consent') consentPage = page;
      },
    });
    assert.match(consentPage, /Use the demo tools as you/);
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `a code, not ${outcome.redirect.searchParams.get('error')}`);
    const tokens = (await (
      await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome })
    ).json()) as { scope: string; refresh_token?: string };
    // The access token is the resource's: its scope is the resource's part of the grant.
    assert.equal(tokens.scope, 'user');
    assert.equal(typeof tokens.refresh_token, 'string');
  });

  it('RFC 6749 §3.3: a client registered for none of the default scopes gets invalid_scope, not an empty consent', async () => {
    const limited = await server.registerClient({
      name: 'Admin only',
      scope: 'admin',
      redirectUris: ['http://127.0.0.1:3030/callback'],
    });
    const response = await requestAuthorization(server.issuer, limited.client_id, {
      scope: undefined,
      resource: RESOURCE,
    });
    const redirect = redirectOf(response);
    assert.equal(redirect?.searchParams.get('error'), 'invalid_scope');
    assert.match(redirect?.searchParams.get('error_description') ?? '', /request a scope/);
  });

  it('RFC 8707 §2: with one resource registered, a request without resource is bound to it', async () => {
    const outcome = await signIn({ resource: undefined });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const tokens = (await (
      await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome })
    ).json()) as { access_token: string };
    const details = (await (await introspect(server.issuer, tokens.access_token, devAuth)).json()) as {
      aud: string;
    };
    assert.equal(details.aud, RESOURCE);
  });

  it('consent is remembered per client and scopes for a web client; asking for more asks again', async () => {
    const redirectUri = 'https://app.example/callback';
    const web = await registerPublicClient(server.issuer, {
      client_name: 'Remember me',
      application_type: 'web',
      redirect_uris: [redirectUri],
    });
    const run = (scope: string) =>
      authorize(server.issuer, {
        clientId: web.client_id,
        redirectUri,
        scope,
        resource: RESOURCE,
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
    assert.deepEqual((await run('user')).pages, ['login', 'consent']);
    assert.deepEqual((await run('user')).pages, ['login'], 'same scopes: no consent page');
    const stepUp = await run('user admin');
    assert.deepEqual(stepUp.pages, ['login', 'consent'], 'more scopes: consent again');
    assert.ok(stepUp.redirect.searchParams.get('code'));
  });

  it('RFC 8252 §8.6: a client redirecting to loopback is asked for consent every time', async () => {
    const native = await registerPublicClient(server.issuer, {
      client_name: 'Ask me',
      application_type: 'web',
    });
    const run = () =>
      authorize(server.issuer, {
        clientId: native.client_id,
        scope: 'user',
        resource: RESOURCE,
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
    assert.deepEqual((await run()).pages, ['login', 'consent']);
    assert.deepEqual((await run()).pages, ['login', 'consent']);
  });

  it('RFC 8252 §8.6: the repeated consent page of a loopback client still says what the app will be able to do', async () => {
    const cli = await registerPublicClient(server.issuer, { client_name: 'Again CLI' });
    const consentPages: string[] = [];
    const run = (scope: string) =>
      authorize(server.issuer, {
        clientId: cli.client_id,
        scope,
        resource: RESOURCE,
        username: TEST_USER.username,
        password: TEST_USER.password,
        onPage: (kind, html) => {
          if (kind === 'consent') consentPages.push(html);
        },
      });
    await run('user');
    await run('user'); // nothing new to grant: asked again only because the redirect is loopback
    await run('user admin'); // a step-up: `admin` is new, `user` was allowed before
    assert.equal(consentPages.length, 3);
    const [first, repeated, stepUp] = consentPages as [string, string, string];
    for (const page of [first, repeated, stepUp]) {
      assert.match(page, /wants to access <strong>MCP demo server<\/strong>/, 'the resource by its name');
      assert.match(page, /<h2>It will be able to<\/h2>\s*<section class="resource">/);
      assert.match(page, /Use the demo tools as you/, 'the scope it holds, in words');
      assert.match(page, /<code>get_time<\/code>/, 'and what it unlocks');
    }
    assert.doesNotMatch(repeated, /your account/);
    assert.doesNotMatch(repeated, /See server statistics/, 'only what was asked for');
    assert.match(stepUp, /See server statistics/);
    assert.match(stepUp, /class="scope-new">new</, 'what is new is marked');
    assert.doesNotMatch(repeated, /class="scope-new"/, 'nothing new on a repeat');
  });
});
