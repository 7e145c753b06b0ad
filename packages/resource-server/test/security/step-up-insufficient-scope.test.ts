import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  callTool,
  INITIALIZE,
  openSseSession,
  parseChallenge,
  post,
  toolCall,
} from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * RFC 6750 §3.1 and MCP authorization ("Scope Challenge Handling"): a token without a scope the
 * operation needs is refused with 403 `insufficient_scope`, and the challenge names every scope
 * the operation needs (not only the missing one), so the client can ask for exactly that and no
 * more. A request is never served on a token that lacks a scope, on any transport.
 */
describe('step-up: insufficient_scope with the full scope', () => {
  let stack: Stack;
  let userToken: string;
  before(async () => {
    stack = await startStack();
    userToken = await stack.token();
  });
  after(() => stack.close());

  const metadataUrl = () => `${new URL(stack.resourceUrl).origin}/.well-known/oauth-protected-resource/mcp`;

  it('RFC 6750 §3.1: a tool that needs more scope → 403 insufficient_scope naming every scope it needs (step-up)', async () => {
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'server_stats', arguments: {} },
    };
    const response = await post(stack.resourceUrl, call, {
      authorization: `Bearer ${userToken}`,
      'mcp-protocol-version': '2026-07-28',
    });
    assert.equal(response.status, 403);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'insufficient_scope');
    assert.equal(challenge.scope, 'user admin');
    assert.equal(challenge.resource_metadata, metadataUrl());
  });

  it('RFC 6750 §3.1: over the deprecated SSE transport, the message asking for more is refused alike', async () => {
    const session = await openSseSession(stack.resourceUrl, userToken);
    try {
      const response = await post(session.messagesUrl, toolCall('server_stats', {}), {
        authorization: `Bearer ${userToken}`,
      });
      assert.equal(response.status, 403);
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      assert.equal(challenge.error, 'insufficient_scope');
      assert.equal(challenge.scope, 'user admin');
    } finally {
      await session.close();
    }
  });

  it('RFC 6750 §3.1: a token with admin but not user is refused even initialize, naming user', async () => {
    const adminOnly = await stack.token({ scope: 'admin' });
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${adminOnly}` });
    assert.equal(response.status, 403);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'insufficient_scope');
    assert.equal(challenge.scope, 'user');
  });

  it('the tool name is read from the message as it is: a differently spelled name gets no scope discount', async () => {
    for (const name of ['Server_Stats', 'SERVER_STATS', 'server_stats ', 'server%5Fstats']) {
      const response = await callTool(stack.resourceUrl, userToken, name, {});
      const text = await response.text();
      assert.ok(response.status < 500, `${JSON.stringify(name)}: ${response.status}`);
      assert.doesNotMatch(text, /uptimeSeconds/, `${JSON.stringify(name)} ran server_stats`);
    }
  });

  it('with the admin scope granted after a step-up, the same call is served', async () => {
    const both = await stack.token({ scope: 'user admin' });
    const response = await callTool(stack.resourceUrl, both, 'server_stats', {});
    assert.equal(response.status, 200);
    assert.match(await response.text(), /uptimeSeconds/);
  });
});
