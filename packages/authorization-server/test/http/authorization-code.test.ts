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

  it('SPEC AS.1, AS.3, AS.6, AS.9: sign-in and consent give a code with state and iss; the token is bound to the resource', async () => {
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

  it('SPEC AS.1: a wrong code_verifier is refused with invalid_grant', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, {
      clientId: client.client_id,
      code,
      redirectUri: outcome.redirectUri,
      verifier: `${outcome.verifier}x`,
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
  });

  it('SPEC AS.1: an authorization request without PKCE is refused', async () => {
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3030/callback',
      scope: 'user',
      state: 's',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('iss'), server.issuer, 'SPEC AS.3: iss on errors too');
  });

  it('OAuth 2.1 §4.1.3: a replayed code is refused and revokes the tokens it issued', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const first = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    assert.equal(first.status, 200);
    const { access_token: accessToken } = (await first.json()) as { access_token: string };
    const replay = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
    const details = (await (await introspect(server.issuer, accessToken, devAuth)).json()) as {
      active: boolean;
    };
    assert.equal(details.active, false);
  });

  it('SPEC AS.5: two concurrent redemptions of one code: exactly one wins', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome }),
      ),
    );
    assert.equal(responses.filter((response) => response.status === 200).length, 1);
    assert.equal(responses.filter((response) => response.status === 400).length, 4);
  });

  it('SPEC AS.5: a redirect URI that differs from the registered one is never redirected to', async () => {
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'https://evil.example/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      scope: 'user',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  });

  it('SPEC AS.5 / RFC 8252 §7.3: a loopback redirect URI matches on any port', async () => {
    const outcome = await signIn({ redirectUri: 'http://127.0.0.1:49152/callback' });
    assert.ok(outcome.redirect.searchParams.get('code'));
    assert.equal(outcome.redirect.port, '49152');
  });

  it('SPEC AS.5: loopback port freedom does not extend to another host or path', async () => {
    for (const redirectUri of ['http://localhost:3030/callback', 'http://127.0.0.1:3030/other']) {
      const url = new URL(`${server.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: redirectUri,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 400, redirectUri);
      assert.equal(response.headers.get('location'), null);
    }
  });

  it('SPEC AS.6: an unknown resource is refused with invalid_target, with iss', async () => {
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3030/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      scope: 'user',
      state: 'abc',
      resource: 'https://other.example/mcp',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_target');
    assert.equal(location.searchParams.get('state'), 'abc');
    assert.equal(location.searchParams.get('iss'), server.issuer);
  });

  it('SPEC AS.6: with one resource registered, a request without resource is bound to it', async () => {
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

  it('denying consent returns access_denied with state and iss', async () => {
    const other = await registerPublicClient(server.issuer, { client_name: 'Deny me' });
    const outcome = await authorize(server.issuer, {
      clientId: other.client_id,
      scope: 'user',
      resource: RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
      consent: 'deny',
    });
    assert.equal(outcome.redirect.searchParams.get('error'), 'access_denied');
    assert.equal(outcome.redirect.searchParams.get('state'), outcome.state);
    assert.equal(outcome.redirect.searchParams.get('iss'), server.issuer);
    assert.equal(outcome.redirect.searchParams.get('code'), null);
  });
});
