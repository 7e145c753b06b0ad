import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { dpopProof, generateDpopKey } from '@mcp-auth/test-support/dpop';
import { authorize, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { type RunningSameOriginServer, startSameOriginServer } from '../src/index.ts';

/**
 * RFC 9449 on one origin: the token endpoint binds the token to the proof's key, and the MCP
 * endpoint, verifying tokens in the AS's own store, reads that binding (`jkt`) like the
 * standalone resource server reads `cnf.jkt`.
 */
describe('mcp-auth-legacy: DPoP-bound tokens', () => {
  let home: string;
  let server: RunningSameOriginServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-same-origin-dpop-'));
    server = await startSameOriginServer({ port: 0, dataDir: join(home, 'data') }, { logger: silentLogger });
  });
  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('RFC 9449 §7: a token bound at the token endpoint works as DPoP with its proof, and not as Bearer', async () => {
    const account = server.demoAccount;
    assert.ok(account, 'a demo account');
    const key = await generateDpopKey();
    const client = await registerPublicClient(server.issuer);
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: server.mcpUrl,
      username: account.username,
      password: account.password,
    });
    const tokenUrl = `${server.issuer}/token`;
    const redeem = async (nonce?: string) =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          dpop: await dpopProof(key, { htm: 'POST', htu: tokenUrl, ...(nonce ? { nonce } : {}) }),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: client.client_id,
          code: outcome.redirect.searchParams.get('code') ?? '',
          code_verifier: outcome.verifier,
          redirect_uri: outcome.redirectUri,
        }),
      });
    const challenge = await redeem();
    const nonce = challenge.headers.get('dpop-nonce') ?? undefined;
    await challenge.body?.cancel();
    const issued = await redeem(nonce);
    assert.equal(issued.status, 200);
    const { access_token: token, token_type: tokenType } = (await issued.json()) as {
      access_token: string;
      token_type: string;
    };
    assert.equal(tokenType, 'DPoP');

    const initialize = async (headers: Record<string, string>) => {
      const response = await fetch(server.mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      });
      await response.body?.cancel();
      return response;
    };
    const asBearer = await initialize({ authorization: `Bearer ${token}` });
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate') ?? '', /DPoP error="invalid_token"/);
    const withProof = await initialize({
      authorization: `DPoP ${token}`,
      dpop: await dpopProof(key, { htm: 'POST', htu: server.mcpUrl, accessToken: token }),
    });
    assert.equal(withProof.status, 200);
  });
});
