import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MCP_URL } from '@mcp-auth/shared';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

describe('--access-token-ttl 10: a client can try its expiry handling in seconds', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({ tokenLifetimes: { accessTokenSeconds: 10, codeSeconds: 60 } });
  });
  after(() => server.dispose());

  it('the demo resource’s access tokens say expires_in 10 (RFC 6749 §5.1)', async () => {
    const client = await registerPublicClient(server.issuer);
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEFAULT_MCP_URL,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    const body = (await response.json()) as { expires_in: number; refresh_token?: string };
    assert.equal(body.expires_in, 10);
    assert.ok(body.refresh_token, 'and a refresh token to renew it with');
  });
});
