import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { startResourceServer } from '../../src/index.ts';
import { startFakeJwtAuthorizationServer } from '../support/fake-jwt-authorization-server.ts';
import { INITIALIZE, post } from '../support/mcp-requests.ts';
import { startStack } from '../support/stack.ts';

/**
 * When the resource server cannot ask its authorization server whether a token is good, it must
 * not guess: failing open would let any string in, failing with 401 would send every client to
 * sign in again for nothing. It answers 503 with `Retry-After` (RFC 9110 §15.6.4), which MCP
 * clients report as the server being unavailable, and serves nobody it cannot vouch for.
 */
describe('the authorization server down: 503 with Retry-After, never an acceptance', () => {
  it('introspection: with the AS stopped, a token is answered 503 with Retry-After, never served', async () => {
    const stack = await startStack({ introspectionCacheSeconds: 0 });
    try {
      const token = await stack.token();
      const before = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(before.status, 200, 'the control: served while the AS is up');
      await before.body?.cancel();
      await stack.stopAuthorizationServer();
      for (const bearer of [token, 'a-token-nobody-issued']) {
        const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${bearer}` });
        assert.equal(response.status, 503);
        assert.equal(response.headers.get('retry-after'), '5');
        assert.equal(((await response.json()) as { error: string }).error, 'temporarily_unavailable');
      }
    } finally {
      await stack.close();
    }
  });

  it('introspection: a token verified just before the AS went down is served only from the cache, within its bound', async () => {
    const stack = await startStack({ introspectionCacheSeconds: 30 });
    try {
      const seen = await stack.token();
      const unseen = await stack.token();
      assert.equal(
        (await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${seen}` })).status,
        200,
      );
      await stack.stopAuthorizationServer();
      const cached = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${seen}` });
      assert.equal(cached.status, 200, 'the documented trade-off: a cached answer, at most 30 s old');
      await cached.body?.cancel();
      const fresh = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${unseen}` });
      assert.equal(fresh.status, 503, 'a token the RS never verified is not served');
      await fresh.body?.cancel();
    } finally {
      await stack.close();
    }
  });

  it('JWT: with the AS gone before its keys were fetched, a token is answered 503, never served', async () => {
    const fake = await startFakeJwtAuthorizationServer();
    const rs = await startResourceServer(
      { port: 0, authServer: fake.issuer, tokenVerification: 'jwt' },
      { logger: silentLogger },
    );
    try {
      const token = await fake.sign(rs.resourceUrl);
      await fake.close();
      const response = await post(rs.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      await response.body?.cancel();
    } finally {
      await rs.close();
    }
  });
});
