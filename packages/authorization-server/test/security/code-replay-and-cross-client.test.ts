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

/**
 * An authorization code is single-use and bound to the client it was issued to (OAuth 2.1
 * §4.1.3, RFC 6749 §10.5): a replay is refused and revokes what the code issued (the first
 * redemption may have been the attacker's), two concurrent redemptions have exactly one winner,
 * and a code is worth nothing to another client, even one that knows its verifier.
 */
describe('code replay and cross-client use of a code', () => {
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

  const signIn = (clientId = client.client_id) =>
    authorize(server.issuer, {
      clientId,
      scope: 'user',
      resource: RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });

  const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

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

  it('OAuth 2.1 §4.1.3: two concurrent redemptions of one code: exactly one wins', async () => {
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

  it('RFC 6749 §4.1.3: a code presented by another client, with the right verifier, is invalid_grant', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const thief = await registerPublicClient(server.issuer);
    const stolen = await redeemCode(server.issuer, { clientId: thief.client_id, code, ...outcome });
    assert.equal(stolen.status, 400);
    assert.equal(await errorOf(stolen), 'invalid_grant');
  });

  it('RFC 6749 §4.1.3: a code presented with another redirect_uri than its request’s is invalid_grant', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, {
      clientId: client.client_id,
      code,
      verifier: outcome.verifier,
      redirectUri: 'http://127.0.0.1:3030/elsewhere',
    });
    assert.equal(response.status, 400);
    assert.equal(await errorOf(response), 'invalid_grant');
  });

  it('a code made up or altered by one character is invalid_grant', async () => {
    const outcome = await signIn();
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const altered = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    for (const guess of [altered, 'made-up-code']) {
      const response = await redeemCode(server.issuer, {
        clientId: client.client_id,
        ...outcome,
        code: guess,
      });
      assert.equal(response.status, 400, guess);
      assert.equal(await errorOf(response), 'invalid_grant');
    }
  });
});
