import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { authorize, redeemCode, refresh, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { type RunningSameOriginServer, startSameOriginServer } from '../../src/index.ts';

/**
 * The same-origin server verifies tokens against the AS's store through the resource server's one
 * token cache; revocations happen in the same process and clear it at once, so a revoked token is
 * refused from the very next request (RFC 7009 §2: revoked means not usable).
 */
describe('same-origin token cache', () => {
  let home: string;
  let server: RunningSameOriginServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-same-origin-cache-'));
    server = await startSameOriginServer({ port: 0, dataDir: join(home, 'data') }, { logger: silentLogger });
  });
  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function signIn() {
    const account = server.demoAccount;
    if (!account) throw new Error('no demo account');
    const client = await registerPublicClient(server.issuer);
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: server.mcpUrl,
      username: account.username,
      password: account.password,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    const tokens = (await response.json()) as { access_token: string; refresh_token: string };
    return { clientId: client.client_id, ...tokens };
  }

  const listTools = (token: string) =>
    fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });

  const statsOf = async (token: string) => {
    const response = await listTools(token);
    await response.body?.cancel();
    return response.status;
  };

  it('a revoked access token is refused at the next request, though it was just verified', async () => {
    const { clientId, access_token } = await signIn();
    assert.equal(await statsOf(access_token), 200);
    assert.equal(await statsOf(access_token), 200, 'served again (from the cache)');
    const revoked = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: access_token, client_id: clientId }),
    });
    assert.equal(revoked.status, 200);
    assert.equal(await statsOf(access_token), 401);
  });

  it('a grant revoked by refresh-token reuse ends its access tokens at once', async () => {
    const { clientId, access_token, refresh_token } = await signIn();
    assert.equal(await statsOf(access_token), 200);
    assert.equal((await refresh(server.issuer, clientId, refresh_token)).status, 200);
    // The first refresh token again: a reuse (OAuth 2.1 §4.3.1), which revokes the grant.
    assert.equal((await refresh(server.issuer, clientId, refresh_token)).status, 400);
    assert.equal(await statsOf(access_token), 401);
  });
});
