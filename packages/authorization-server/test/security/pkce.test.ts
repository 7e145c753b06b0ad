import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  type RegisteredClient,
  redeemCode,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { redirectOf, requestAuthorization } from '../support/authorization-request.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * PKCE (RFC 7636) binds a code to the client that asked for it: whoever intercepts the code on
 * its way back (another app on the same loopback port, a log, a referrer) cannot redeem it without
 * the verifier. OAuth 2.1 §4.1.1 and MCP authorization make it mandatory, with S256 only (a
 * `plain` challenge is the verifier itself, so an attacker who sees the request sees the secret).
 * Every way of getting a code without proving the verifier must fail.
 */
describe('PKCE: missing, plain, wrong verifier, downgrade', () => {
  let server: TestAuthorizationServer;
  let client: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    client = await registerPublicClient(server.issuer);
  });
  after(() => server.dispose());

  const signIn = () =>
    authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEMO_RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });

  const tokenRequest = (fields: Record<string, string>) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.client_id, ...fields }),
    });

  const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

  it('RFC 7636 §4.6: a wrong code_verifier is refused with invalid_grant', async () => {
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

  it('OAuth 2.1 §4.1.1: an authorization request without PKCE is refused', async () => {
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
    assert.equal(location.searchParams.get('iss'), server.issuer, 'RFC 9207: iss on errors too');
  });

  it('code_challenge_method=plain is refused at the authorization endpoint: S256 only', async () => {
    const { verifier } = createPkcePair();
    const response = await requestAuthorization(server.issuer, client.client_id, {
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });
    const redirect = redirectOf(response);
    assert.equal(redirect?.searchParams.get('error'), 'invalid_request');
    assert.equal(redirect?.searchParams.get('code'), null);
    assert.match(redirect?.searchParams.get('error_description') ?? '', /code_challenge_method/);
  });

  it('a challenge without code_challenge_method (RFC 7636 §4.3: plain by default) is refused', async () => {
    const response = await requestAuthorization(server.issuer, client.client_id, {
      code_challenge_method: undefined,
    });
    const redirect = redirectOf(response);
    assert.equal(redirect?.searchParams.get('error'), 'invalid_request');
    assert.equal(redirect?.searchParams.get('code'), null);
  });

  it('downgrade: a code issued for an S256 challenge is refused without a code_verifier', async () => {
    const outcome = await signIn();
    const response = await tokenRequest({
      code: outcome.redirect.searchParams.get('code') ?? '',
      redirect_uri: outcome.redirectUri,
    });
    assert.equal(response.status, 400);
    assert.ok(['invalid_grant', 'invalid_request'].includes(await errorOf(response)));
  });

  it('downgrade: the S256 challenge itself presented as the verifier (as with plain) is refused', async () => {
    const { verifier, challenge } = createPkcePair();
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEMO_RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
      extraParams: { code_challenge: challenge },
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const asPlain = await tokenRequest({ code, redirect_uri: outcome.redirectUri, code_verifier: challenge });
    assert.equal(asPlain.status, 400);
    assert.equal(await errorOf(asPlain), 'invalid_grant');
    // The real verifier still works: the refusal above was about the verifier, not the code.
    const proper = await tokenRequest({ code, redirect_uri: outcome.redirectUri, code_verifier: verifier });
    assert.equal(proper.status, 200, await proper.clone().text());
  });

  it('a verifier outside RFC 7636 §4.1 (too short, or with characters it forbids) is refused', async () => {
    for (const codeVerifier of ['short', `${'a'.repeat(42)}`, `${'a'.repeat(43)} `, 'ü'.repeat(43)]) {
      const outcome = await signIn();
      const response = await tokenRequest({
        code: outcome.redirect.searchParams.get('code') ?? '',
        redirect_uri: outcome.redirectUri,
        code_verifier: codeVerifier,
      });
      assert.equal(response.status, 400, JSON.stringify(codeVerifier));
      assert.ok(['invalid_grant', 'invalid_request'].includes(await errorOf(response)));
    }
  });
});
