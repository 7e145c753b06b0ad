import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INITIALIZE, parseChallenge, post } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

describe('resource server authorization', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ introspectionCacheSeconds: 1 });
  });
  after(() => stack.close());

  const metadataUrl = () => `${new URL(stack.resourceUrl).origin}/.well-known/oauth-protected-resource/mcp`;

  it('RFC 9728 §3.1: protected resource metadata at the path-suffixed URL and at the root', async () => {
    for (const url of [
      metadataUrl(),
      `${new URL(stack.resourceUrl).origin}/.well-known/oauth-protected-resource`,
    ]) {
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      const document = (await response.json()) as Record<string, unknown>;
      assert.equal(document.resource, stack.resourceUrl, 'resource is exactly the MCP URL');
      assert.deepEqual(document.authorization_servers, [stack.issuer]);
      assert.deepEqual(document.scopes_supported, ['user', 'admin']);
      assert.deepEqual(document.bearer_methods_supported, ['header']);
      assert.equal(typeof document.resource_name, 'string');
    }
  });

  it('RFC 6750 §3.1: no token → 401 with resource_metadata and scope, no error code', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE);
    assert.equal(response.status, 401);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.resource_metadata, metadataUrl());
    assert.equal(challenge.scope, 'user');
    assert.equal(challenge.error, undefined);
  });

  it('MCP Authorization §Access Token Usage: every endpoint demands a token (POST, GET, DELETE /mcp, GET /mcp/sse, POST /mcp/messages)', async () => {
    const requests: Array<[string, RequestInit]> = [
      [stack.resourceUrl, { method: 'GET', headers: { accept: 'text/event-stream' } }],
      [stack.resourceUrl, { method: 'DELETE', headers: { 'mcp-session-id': 'x' } }],
      [`${stack.resourceUrl}/sse`, { method: 'GET', headers: { accept: 'text/event-stream' } }],
      [
        `${stack.resourceUrl}/messages?sessionId=x`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      ],
    ];
    for (const [url, init] of requests) {
      const response = await fetch(url, init);
      assert.equal(response.status, 401, `${init.method} ${url}`);
      assert.ok(parseChallenge(response.headers.get('www-authenticate')).resource_metadata);
    }
  });

  it('RFC 6750 §3.1: a bad token → 401 invalid_token', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: 'Bearer not-a-real-token' });
    assert.equal(response.status, 401);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'invalid_token');
    assert.equal(challenge.resource_metadata, metadataUrl());
  });

  it('Fetch CORS protocol: preflight and responses expose WWW-Authenticate and Mcp-Session-Id to allowed origins', async () => {
    const origin = new URL(stack.resourceUrl).origin;
    const preflight = await fetch(stack.resourceUrl, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const challenged = await post(stack.resourceUrl, INITIALIZE, { origin });
    assert.match(challenged.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    assert.match(challenged.headers.get('access-control-expose-headers') ?? '', /Mcp-Session-Id/);
  });
});
