import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INITIALIZE, openSseSession, post, toolCall } from '../support/mcp-requests.ts';
import { OTHER_USER, type Stack, startStack } from '../support/stack.ts';

const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const LIST = { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} };

/**
 * MCP security best practices, "Session Hijacking": a session id is a handle, not a credential.
 * Every request is authenticated on its own, and a session answers only the person (issuer and
 * subject) who opened it: another subject's valid token with a stolen or guessed session id gets
 * 404, exactly like an unknown id (so ids cannot be probed), and cannot end the session either.
 */
describe('session hijack over Streamable HTTP (2025-era sessions)', () => {
  let stack: Stack;
  let ownerToken: string;
  let intruderToken: string;
  before(async () => {
    stack = await startStack();
    ownerToken = await stack.token();
    intruderToken = await stack.token({ user: OTHER_USER });
  });
  after(() => stack.close());

  const sessionHeaders = (token: string | undefined, sessionId: string) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    'mcp-session-id': sessionId,
    'mcp-protocol-version': '2025-06-18',
  });

  async function openSession(): Promise<string> {
    const opened = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${ownerToken}` });
    assert.equal(opened.status, 200);
    const sessionId = opened.headers.get('mcp-session-id');
    assert.ok(sessionId, 'a 2025-era initialize opens a session');
    await opened.arrayBuffer();
    return sessionId;
  }

  it('MCP session hijacking: a 2025 session answers only the subject that opened it', async () => {
    const opened = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${ownerToken}` });
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
        authorization: `Bearer ${ownerToken}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-06-18',
      },
    );
    assert.equal(owner.status, 202);
  });

  it('a session id is not authentication: without a token it is 401, whatever the method', async () => {
    const sessionId = await openSession();
    for (const [method, body] of [
      ['POST', JSON.stringify(LIST)],
      ['GET', undefined],
      ['DELETE', undefined],
    ] as const) {
      const response = await fetch(stack.resourceUrl, {
        method,
        headers: {
          ...sessionHeaders(undefined, sessionId),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        ...(body ? { body } : {}),
      });
      assert.equal(response.status, 401, method);
      await response.body?.cancel();
    }
  });

  it('another subject can neither open the session’s stream nor end it; the owner keeps it', async () => {
    const sessionId = await openSession();
    const stream = await fetch(stack.resourceUrl, {
      headers: { ...sessionHeaders(intruderToken, sessionId), accept: 'text/event-stream' },
    });
    assert.equal(stream.status, 404, 'GET: the stream of another subject’s session');
    await stream.body?.cancel();
    const ended = await fetch(stack.resourceUrl, {
      method: 'DELETE',
      headers: sessionHeaders(intruderToken, sessionId),
    });
    assert.equal(ended.status, 404, 'DELETE: ending another subject’s session');
    const owner = await post(stack.resourceUrl, INITIALIZED, sessionHeaders(ownerToken, sessionId));
    assert.equal(owner.status, 202, 'the session survived');
  });

  it('a stolen id answers exactly like a made-up one (no probing for live sessions)', async () => {
    const sessionId = await openSession();
    const answers = [];
    for (const id of [sessionId, 'made-up-session-id']) {
      const response = await post(stack.resourceUrl, LIST, sessionHeaders(intruderToken, id));
      answers.push({ status: response.status, body: await response.text() });
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.equal(answers[0]?.status, 404);
  });
});

describe('session hijack over the deprecated SSE transport', () => {
  let stack: Stack;
  let ownerToken: string;
  let intruderToken: string;
  before(async () => {
    stack = await startStack();
    ownerToken = await stack.token();
    intruderToken = await stack.token({ user: OTHER_USER });
  });
  after(() => stack.close());

  it('another subject posting into the session is 404, like an unknown session; the owner still can', async () => {
    const session = await openSseSession(stack.resourceUrl, ownerToken);
    try {
      const message = JSON.stringify(toolCall('whoami', {}));
      const send = (url: string, token: string) =>
        fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: message,
        });
      const hijack = await send(session.messagesUrl, intruderToken);
      const unknown = await send(`${stack.resourceUrl}/messages?sessionId=made-up`, intruderToken);
      assert.equal(hijack.status, 404);
      assert.deepEqual(await hijack.text(), await unknown.text(), 'the same answer as an unknown id');
      const owner = await send(session.messagesUrl, ownerToken);
      assert.equal(owner.status, 202);
      await owner.body?.cancel();
    } finally {
      await session.close();
    }
  });

  it('a session id is not authentication: posting into the session without a token is 401', async () => {
    const session = await openSseSession(stack.resourceUrl, ownerToken);
    try {
      const response = await fetch(session.messagesUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(toolCall('whoami', {})),
      });
      assert.equal(response.status, 401);
      await response.body?.cancel();
    } finally {
      await session.close();
    }
  });
});
