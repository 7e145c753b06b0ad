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
});
