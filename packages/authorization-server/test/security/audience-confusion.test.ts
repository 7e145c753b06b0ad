import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  introspect,
  type RegisteredClient,
  redeemCode,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { DEMO_RESOURCE, devIntrospectionAuth } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const OTHER_RESOURCE = 'http://localhost:8002/mcp';

/**
 * MCP authorization "Token Audience Binding and Validation", RFC 8707 §2: a token is issued for
 * exactly the resource the person consented to, and carries it as its audience. A client that
 * swaps `resource` at the token endpoint must not turn consent for one MCP server into a token
 * for another. (The resource server's half, refusing a token meant for someone else, is in
 * packages/resource-server/test/security/audience-confusion.test.ts.)
 */
describe('audience confusion: swapping resource at the token endpoint', () => {
  let server: TestAuthorizationServer;
  let client: RegisteredClient;
  before(async () => {
    const scopes = [{ name: 'user', description: 'u' }];
    server = await startTestServer({
      resources: [
        { uri: DEMO_RESOURCE, name: 'Demo', scopes },
        { uri: OTHER_RESOURCE, name: 'Other', scopes },
      ],
    });
    client = await registerPublicClient(server.issuer);
  });
  after(() => server.dispose());

  const consentFor = (resource: string) =>
    authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });

  const audienceOf = async (accessToken: string) => {
    const details = (await (
      await introspect(server.issuer, accessToken, devIntrospectionAuth(server))
    ).json()) as { active: boolean; aud?: string | string[] };
    assert.equal(details.active, true);
    return details.aud;
  };

  it('RFC 8707 §2: a code granted for one resource, redeemed naming another, gets no token for it', async () => {
    const outcome = await consentFor(DEMO_RESOURCE);
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const swapped = await redeemCode(server.issuer, {
      clientId: client.client_id,
      code,
      ...outcome,
      resource: OTHER_RESOURCE,
    });
    assert.equal(swapped.status, 400, await swapped.clone().text());
    assert.equal(((await swapped.json()) as { error: string }).error, 'invalid_target');
  });

  it('RFC 8707 §2: the token of a grant names exactly its resource, whichever is asked at the token endpoint', async () => {
    const outcome = await consentFor(OTHER_RESOURCE);
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    assert.equal(response.status, 200);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    assert.equal(await audienceOf(accessToken), OTHER_RESOURCE);
  });

  it('RFC 8707 §2: with several resources, a request naming none is refused rather than given a token for no one', async () => {
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    assert.equal(outcome.redirect.searchParams.get('error'), 'invalid_target');
    assert.equal(outcome.redirect.searchParams.get('code'), null);
  });

  it('RFC 8707 §2: an unknown resource, however close in spelling to a known one, is invalid_target', async () => {
    for (const resource of [
      `${DEMO_RESOURCE}/`,
      `${DEMO_RESOURCE}x`,
      DEMO_RESOURCE.replace('localhost', '127.0.0.1'),
      DEMO_RESOURCE.replace('8001', '8003'),
      `${DEMO_RESOURCE}#fragment`,
    ]) {
      const outcome = await authorize(server.issuer, {
        clientId: client.client_id,
        scope: 'user',
        resource,
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
      assert.equal(outcome.redirect.searchParams.get('error'), 'invalid_target', resource);
    }
  });
});
