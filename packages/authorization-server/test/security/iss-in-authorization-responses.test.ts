import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorize, type RegisteredClient, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { redirectOf, requestAuthorization } from '../support/authorization-request.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Mix-up attacks (RFC 9207 §1): a client that talks to several authorization servers must know
 * which one answered, or an attacker's AS can make it send a code from an honest AS to the
 * attacker. RFC 9207 §2 puts `iss` in every authorization response, errors included, and MCP
 * clients check it; so every answer that goes back to the redirect URI carries exactly the issuer,
 * with the client's `state`.
 */
describe('iss in every authorization response (RFC 9207)', () => {
  let server: TestAuthorizationServer;
  let client: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    client = await registerPublicClient(server.issuer);
  });
  after(() => server.dispose());

  /** The response parameters of a redirect: its query, or its fragment (RFC 6749 §4.2.2.1). */
  const parametersOf = (redirect: URL) =>
    redirect.search ? redirect.searchParams : new URLSearchParams(redirect.hash.slice(1));

  function assertIssued(redirect: URL | undefined, expectedError: string | undefined, what: string): void {
    assert.ok(redirect, `${what}: redirected to the client`);
    assert.equal(redirect.origin + redirect.pathname, 'http://127.0.0.1:3030/callback', what);
    const parameters = parametersOf(redirect);
    assert.deepEqual(parameters.getAll('iss'), [server.issuer], `${what}: exactly one iss, the issuer`);
    assert.equal(parameters.get('error') ?? undefined, expectedError, what);
  }

  it('RFC 9207 §2: a successful response carries iss beside the code and state', async () => {
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEMO_RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    assertIssued(outcome.redirect, undefined, 'success');
    assert.ok(outcome.redirect.searchParams.get('code'));
    assert.equal(outcome.redirect.searchParams.get('state'), outcome.state);
  });

  it('RFC 8707 §2: an unknown resource is refused with invalid_target, with iss', async () => {
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

  it('denying consent returns access_denied with state and iss', async () => {
    const other = await registerPublicClient(server.issuer, { client_name: 'Deny me' });
    const outcome = await authorize(server.issuer, {
      clientId: other.client_id,
      scope: 'user',
      resource: DEMO_RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
      consent: 'deny',
    });
    assert.equal(outcome.redirect.searchParams.get('error'), 'access_denied');
    assert.equal(outcome.redirect.searchParams.get('state'), outcome.state);
    assert.equal(outcome.redirect.searchParams.get('iss'), server.issuer);
    assert.equal(outcome.redirect.searchParams.get('code'), null);
  });

  for (const [what, params, error] of [
    ['no PKCE challenge', { code_challenge: undefined }, 'invalid_request'],
    ['a plain PKCE challenge', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a response type other than code', { response_type: 'token' }, 'unsupported_response_type'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
    [
      'a request object the AS does not take',
      { request: 'eyJhbGciOiJub25lIn0.e30.' },
      'request_not_supported',
    ],
  ] as const) {
    it(`RFC 9207 §2: an error for ${what} (${error}) carries iss and state`, async () => {
      const response = await requestAuthorization(server.issuer, client.client_id, {
        resource: DEMO_RESOURCE,
        ...params,
      });
      const redirect = redirectOf(response);
      assertIssued(redirect, error, what);
      assert.equal(redirect && parametersOf(redirect).get('state'), 'state-1');
    });
  }

  it('RFC 9207 §2: an error in the form_post response mode carries iss in the form', async () => {
    const response = await requestAuthorization(server.issuer, client.client_id, {
      response_mode: 'form_post',
      code_challenge: undefined,
    });
    const page = await response.text();
    assert.match(page, /action="http:\/\/127\.0\.0\.1:3030\/callback"/);
    assert.match(page, new RegExp(`name="iss" value="${server.issuer.replaceAll('/', '\\/')}"`));
    assert.match(page, /name="error" value="invalid_request"/);
  });
});
