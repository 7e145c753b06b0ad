import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTHER_USER, type Stack, startStack } from '../support/stack.ts';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

function parseChallenge(header: string | null): Record<string, string> {
  assert.ok(header?.startsWith('Bearer '), `not a Bearer challenge: ${header}`);
  const parameters: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    parameters[match[1] ?? ''] = match[2] ?? '';
  return parameters;
}

describe('resource server authorization (SPEC RS)', () => {
  let stack: Stack;
  let userToken: string;
  before(async () => {
    stack = await startStack({ introspectionCacheSeconds: 1 });
    userToken = await stack.token();
  });
  after(() => stack.close());

  const metadataUrl = () => `${new URL(stack.resourceUrl).origin}/.well-known/oauth-protected-resource/mcp`;

  it('RS.1: protected resource metadata at the path-suffixed URL and at the root', async () => {
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

  it('RS.2: no token → 401 with resource_metadata and scope, no error code', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE);
    assert.equal(response.status, 401);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.resource_metadata, metadataUrl());
    assert.equal(challenge.scope, 'user');
    assert.equal(challenge.error, undefined);
  });

  it('RS.2: every endpoint demands a token (POST, GET, DELETE /mcp, GET /mcp/sse, POST /mcp/messages)', async () => {
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

  it('RS.2: a bad token → 401 invalid_token', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: 'Bearer not-a-real-token' });
    assert.equal(response.status, 401);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    assert.equal(challenge.error, 'invalid_token');
    assert.equal(challenge.resource_metadata, metadataUrl());
  });

  it('RS.2: a malformed Authorization header or a token in the URL → 400 invalid_request', async () => {
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', `Bearer ${userToken}, Bearer x`]) {
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization });
      assert.equal(response.status, 400, authorization);
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_request');
    }
    const inQuery = await post(`${stack.resourceUrl}?access_token=${userToken}`, INITIALIZE);
    assert.equal(inQuery.status, 400);
  });

  it('RS.3: a token for another resource is refused (audience)', async () => {
    const foreign = await stack.token({ resource: stack.otherResourceUrl });
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${foreign}` });
    assert.equal(response.status, 401);
    assert.match(
      parseChallenge(response.headers.get('www-authenticate')).error_description ?? '',
      /not issued for this server/,
    );
  });

  it('RS.2: a tool that needs more scope → 403 insufficient_scope naming every scope it needs (step-up)', async () => {
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

  it('RS.3: a 2025 session answers only the subject that opened it', async () => {
    const opened = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${userToken}` });
    assert.equal(opened.status, 200);
    const sessionId = opened.headers.get('mcp-session-id');
    assert.ok(sessionId, 'a 2025-era initialize opens a session');
    await opened.arrayBuffer();
    const intruder = await stack.token({ user: OTHER_USER });
    const list = { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} };
    const hijack = await post(stack.resourceUrl, list, {
      authorization: `Bearer ${intruder}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    });
    assert.equal(hijack.status, 404, 'another subject cannot use the session');
    const owner = await post(
      stack.resourceUrl,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        authorization: `Bearer ${userToken}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    );
    assert.equal(owner.status, 202);
  });

  it('RS.5: a foreign Origin is refused with 403 (DNS rebinding); a foreign Host too', async () => {
    const foreignOrigin = await post(stack.resourceUrl, INITIALIZE, {
      authorization: `Bearer ${userToken}`,
      origin: 'http://evil.example',
    });
    assert.equal(foreignOrigin.status, 403);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        stack.resourceUrl,
        { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(INITIALIZE));
    });
    assert.equal(status, 403);
  });

  it('RS.6: CORS preflight and responses expose WWW-Authenticate and Mcp-Session-Id to allowed origins', async () => {
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

  it('bad bodies get JSON-RPC errors with 4xx, never a crash', async () => {
    const cases: Array<[string, string, number]> = [
      ['{not json', 'application/json', 400],
      ['hello', 'text/plain', 415],
      [`{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`, 'application/json', 413],
    ];
    for (const [body, type, status] of cases) {
      const response = await fetch(stack.resourceUrl, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${userToken}` },
        body,
      });
      assert.equal(response.status, status, type);
      await response.arrayBuffer();
    }
    const wrongMethod = await fetch(stack.resourceUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${userToken}` },
    });
    assert.equal(wrongMethod.status, 405);
  });
});

/*
 * Below, time passes on a mocked clock (node:test's `mock.timers`, `Date` only) that the AS and
 * the RS of each stack read, both being in this process and started after it is mocked: no test
 * waits for real time to pass.
 */
describe('expired tokens', () => {
  it('RS.3: an expired token is refused', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const stack = await startStack({ introspectionCacheSeconds: 30 }, { accessTokenTtlSeconds: 1 });
    try {
      const token = await stack.token();
      t.mock.timers.tick(2100);
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_token');
    } finally {
      await stack.close();
    }
  });
});

describe('revoked tokens and the verification cache', () => {
  it('RS.3: a revoked token is refused once the cache maximum age has passed', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    // Its own stack: the RS reads the clock that was current when it started.
    const stack = await startStack({ introspectionCacheSeconds: 1 });
    try {
      const token = await stack.token();
      const first = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(first.status, 200);
      await stack.revoke(token);
      t.mock.timers.tick(1200);
      const afterRevocation = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(afterRevocation.status, 401);
    } finally {
      await stack.close();
    }
  });
});
