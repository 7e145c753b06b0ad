import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INITIALIZE, post, toolCall } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

const LIST = { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} } as const;

/** A 2026-07-28 `tools/call` whose `_meta` names `bodyVersion` and whose header names `headerVersion`. */
function versionedCall(bodyVersion: string, headerVersion: string, token: string) {
  const message = toolCall('get_time', {});
  return {
    body: {
      ...message,
      params: {
        ...message.params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': bodyVersion,
          'io.modelcontextprotocol/clientInfo': { name: 'version-test', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
    headers: {
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': headerVersion,
      'mcp-method': 'tools/call',
      'mcp-name': 'get_time',
    },
  };
}

/**
 * MCP Streamable HTTP §Protocol Version Header and, for 2025-era clients, §Session Management:
 * what the RS answers about versions and sessions once the token is good.
 */
describe('protocol version header and 2025-era sessions', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack();
    token = await stack.token();
  });
  after(() => stack.close());

  async function openSession(): Promise<string> {
    const opened = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
    assert.equal(opened.status, 200);
    await opened.arrayBuffer();
    const sessionId = opened.headers.get('mcp-session-id');
    assert.ok(sessionId, 'a 2025-era initialize opens a session');
    return sessionId;
  }

  it('MCP Protocol Version Header: a 2026-07-28 header that differs from the body’s version is 400 with -32020', async () => {
    const { body, headers } = versionedCall('2026-07-28', '2025-11-25', token);
    const response = await post(stack.resourceUrl, body, headers);
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { error: { code: number; message: string } };
    assert.equal(answer.error.code, -32020);
    assert.match(answer.error.message, /2026-07-28.*2025-11-25/);
  });

  it('MCP Protocol Version Header: an unsupported version is 400 UnsupportedProtocolVersion (-32022) naming the supported ones', async () => {
    const { body, headers } = versionedCall('1999-01-01', '1999-01-01', token);
    const response = await post(stack.resourceUrl, body, headers);
    assert.equal(response.status, 400);
    const answer = (await response.json()) as {
      error: { code: number; data: { supported: string[]; requested: string } };
    };
    assert.equal(answer.error.code, -32022);
    assert.equal(answer.error.data.requested, '1999-01-01');
    assert.ok(answer.error.data.supported.includes('2026-07-28'));
  });

  it('MCP Protocol Version Header: in a 2025-era session, requests without the header are served (as 2025-03-26)', async () => {
    const sessionId = await openSession();
    const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': sessionId };
    const initialized = await post(
      stack.resourceUrl,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      headers,
    );
    assert.equal(initialized.status, 202);
    const list = await post(stack.resourceUrl, LIST, headers);
    assert.equal(list.status, 200);
    assert.match(await list.text(), /"get_time"/);
  });

  it('MCP Session Management: every initialize gets its own random UUID session id, in visible ASCII', async () => {
    const ids = [await openSession(), await openSession(), await openSession()];
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.match(id, /^[\x21-\x7e]+$/);
    }
  });

  it('MCP Session Management: a 2025-era request other than initialize without Mcp-Session-Id is 400', async () => {
    await openSession();
    for (const headers of [{ 'mcp-protocol-version': '2025-06-18' }, {}] as Record<string, string>[]) {
      const response = await post(stack.resourceUrl, LIST, { authorization: `Bearer ${token}`, ...headers });
      assert.equal(response.status, 400);
      assert.match(
        ((await response.json()) as { error: { message: string } }).error.message,
        /Mcp-Session-Id header is required/,
      );
    }
  });
});
