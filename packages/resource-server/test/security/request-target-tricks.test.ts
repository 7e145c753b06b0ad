import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sendRawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * Request-targets Node's HTTP parser lets through that a router must not choke on (found by
 * fuzzing): `//` paths that `new URL` reads as an authority (and threw on, a 500 for anyone),
 * `//host/mcp` that must not reach `/mcp`, and absolute-form (RFC 9112 §3.2.2), which a server
 * MUST accept: its authority is the Host, checked against the allow-list like any other.
 */
describe('request-target tricks on the MCP server', () => {
  let stack: Stack;
  let port: number;
  let token: string;
  before(async () => {
    stack = await startStack();
    port = Number(new URL(stack.resourceUrl).port);
    token = await stack.token();
  });
  after(() => stack.close());

  const send = (method: string, target: string, headers: [string, string][] = [], body = '') =>
    sendRawRequest(
      {
        method,
        target,
        headers: [['Host', `localhost:${port}`], ...headers],
        body: new TextEncoder().encode(body),
        framing: body ? 'exact' : 'none',
      },
      { port, timeoutMs: 10_000 },
    );
  const statusOf = async (answer: ReturnType<typeof send>) => {
    const outcome = await answer;
    return outcome.kind === 'response' ? outcome.status : outcome.kind;
  };

  for (const target of ['//', '//%20', '//%00?a[]=1']) {
    it(`GET ${target} is answered 4xx, never 500, and the server keeps answering`, async () => {
      const status = await statusOf(send('GET', target, [['Authorization', `Bearer ${token}`]]));
      assert.ok(typeof status === 'number' && status >= 400 && status < 500, String(status));
      assert.equal(await statusOf(send('GET', '/healthz')), 200);
    });
  }

  it('//localhost/mcp is not the MCP endpoint', async () => {
    const status = await statusOf(
      send('POST', `//localhost:${port}/mcp`, [['Authorization', `Bearer ${token}`]]),
    );
    assert.equal(status, 404);
  });

  it('an absolute-form POST to the MCP endpoint with a valid token is served (RFC 9112 §3.2.2)', async () => {
    const answer = await send(
      'POST',
      `http://localhost:${port}/mcp`,
      [
        ['Authorization', `Bearer ${token}`],
        ['Content-Type', 'application/json'],
        ['Accept', 'application/json, text/event-stream'],
        ['MCP-Protocol-Version', '2025-06-18'],
      ],
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    );
    assert.equal(answer.kind === 'response' ? answer.status : answer.kind, 200);
  });

  it('an absolute-form target naming another host is refused by the Host allow-list', async () => {
    const status = await statusOf(
      send('POST', 'http://evil.example/mcp', [['Authorization', `Bearer ${token}`]], '{}'),
    );
    assert.equal(status, 403);
  });
});
