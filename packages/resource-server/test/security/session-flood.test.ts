import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTHER_USER, type Stack, startStack } from '../support/stack.ts';

/**
 * MCP security best practices, "Denial of Service" / "Session Hijacking": sessions cost memory,
 * so they are bounded; the bounds must not let one signed-in person lock everyone else out by
 * looping `initialize` (or GET /mcp/sse) with one valid token.
 */

const PROTOCOL_2025 = '2025-06-18';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_2025, capabilities: {}, clientInfo: { name: 'flood', version: '1' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** One transport's way to open a session and to use it, as seen by a client. */
interface SessionTransport {
  open(token: string): Promise<string>;
  /** The HTTP status of one message sent into the session, and the answer's text. */
  use(token: string, sessionId: string): Promise<{ status: number; text: string }>;
  /** Resolves true once the server has ended the session's event stream (SSE only). */
  streamEnded?(sessionId: string): Promise<boolean>;
  closeAll(): Promise<void>;
}

function streamableHttp(resourceUrl: () => string): SessionTransport {
  return {
    async open(token) {
      const response = await fetch(resourceUrl(), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify(INITIALIZE),
      });
      await response.arrayBuffer();
      assert.equal(response.status, 200, 'initialize is never refused for lack of room');
      const sessionId = response.headers.get('mcp-session-id');
      assert.ok(sessionId);
      return sessionId;
    },
    async use(token, sessionId) {
      const response = await fetch(resourceUrl(), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': PROTOCOL_2025,
        },
        body: JSON.stringify(INITIALIZED),
      });
      return { status: response.status, text: await response.text() };
    },
    async closeAll() {},
  };
}

/** The deprecated HTTP+SSE transport: a session lives as long as its GET /mcp/sse stream. */
function deprecatedSse(resourceUrl: () => string): SessionTransport {
  const streams = new Map<string, { ended: Promise<boolean>; cancel: () => Promise<void> }>();
  return {
    async open(token) {
      const response = await fetch(`${resourceUrl()}/sse`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      assert.equal(response.status, 200, 'GET /mcp/sse is never refused for lack of room');
      assert.ok(response.body);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      let sessionId: string | undefined;
      while (!sessionId) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the stream names its message endpoint first');
        text += value;
        sessionId = /^data: .*[?&]sessionId=([^&\s]+)/m.exec(text)?.[1];
      }
      const ended = (async () => {
        for (;;) {
          const { done } = await reader.read().catch(() => ({ done: true }));
          if (done) return true;
        }
      })();
      streams.set(sessionId, { ended, cancel: () => reader.cancel().catch(() => {}) });
      return sessionId;
    },
    async use(token, sessionId) {
      const response = await fetch(`${resourceUrl()}/messages?sessionId=${sessionId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(INITIALIZED),
      });
      return { status: response.status, text: await response.text() };
    },
    streamEnded: (sessionId) => streams.get(sessionId)?.ended ?? Promise.resolve(false),
    async closeAll() {
      await Promise.all([...streams.values()].map((stream) => stream.cancel()));
    },
  };
}

async function assertGone(transport: SessionTransport, token: string, sessionId: string, what: string) {
  const answer = await transport.use(token, sessionId);
  assert.equal(answer.status, 404, `${what} is closed`);
  assert.match(answer.text, /Session not found/);
  if (transport.streamEnded)
    assert.equal(await transport.streamEnded(sessionId), true, `${what}: stream ended`);
}

async function assertWorks(transport: SessionTransport, token: string, sessionId: string, what: string) {
  const answer = await transport.use(token, sessionId);
  assert.equal(answer.status, 202, `${what} still works: ${answer.text}`);
}

const TRANSPORTS: Array<[string, (resourceUrl: () => string) => SessionTransport]> = [
  ['Streamable HTTP 2025 sessions', streamableHttp],
  ['deprecated HTTP+SSE sessions', deprecatedSse],
];

for (const [transportName, makeTransport] of TRANSPORTS) {
  describe(`session flood: ${transportName}`, () => {
    describe('with the default limits (32 sessions per subject)', () => {
      let stack: Stack;
      let transport: SessionTransport;
      let alice: string;
      let bob: string;
      before(async () => {
        stack = await startStack();
        transport = makeTransport(() => stack.resourceUrl);
        alice = await stack.token();
        bob = await stack.token({ user: OTHER_USER });
      });
      after(async () => {
        await transport.closeAll();
        await stack.close();
      });

      it('a subject looping initialize recycles only its own least recently used sessions; others still get one', async () => {
        const opened: string[] = [];
        for (let count = 0; count < 32 + 3; count += 1) opened.push(await transport.open(alice));
        for (const [index, sessionId] of opened.slice(0, 3).entries())
          await assertGone(transport, alice, sessionId, `alice's session #${index + 1}`);
        for (const [index, sessionId] of opened.slice(3).entries())
          await assertWorks(transport, alice, sessionId, `alice's session #${index + 4}`);
        const bobs = await transport.open(bob);
        await assertWorks(transport, bob, bobs, "bob's session");
      });
    });

    describe('at the server-wide limit', () => {
      let stack: Stack;
      let transport: SessionTransport;
      let alice: string;
      let bob: string;
      before(async () => {
        stack = await startStack({ maxSessions: 5, maxSessionsPerSubject: 4 });
        transport = makeTransport(() => stack.resourceUrl);
        alice = await stack.token();
        bob = await stack.token({ user: OTHER_USER });
      });
      after(async () => {
        await transport.closeAll();
        await stack.close();
      });

      it('a newcomer is admitted by closing the least recently used session of the subject holding the most', async () => {
        const alices: string[] = [];
        for (let count = 0; count < 4; count += 1) alices.push(await transport.open(alice));
        // A lookup makes a session its owner's most recent: alice's #1 is now younger than #2.
        const first = alices[0] ?? '';
        await assertWorks(transport, alice, first, "alice's session #1");
        const bobs = [await transport.open(bob)];
        // The server is full (5); bob is admitted each time, and alice (the heaviest) gives way.
        bobs.push(await transport.open(bob));
        bobs.push(await transport.open(bob));
        await assertGone(transport, alice, alices[1] ?? '', "alice's least recently used session (#2)");
        await assertGone(transport, alice, alices[2] ?? '', "alice's next least recently used session (#3)");
        await assertWorks(transport, alice, alices[3] ?? '', "alice's session #4");
        await assertWorks(transport, alice, first, "alice's recently used session #1");
        for (const [index, sessionId] of bobs.entries())
          await assertWorks(transport, bob, sessionId, `bob's session #${index + 1}`);
      });
    });

    describe('idle sessions, on an injected clock', () => {
      let stack: Stack;
      let transport: SessionTransport;
      let alice: string;
      const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
      before(async () => {
        stack = await startStack({}, {}, { now: () => clock.now });
        transport = makeTransport(() => stack.resourceUrl);
        alice = await stack.token();
      });
      after(async () => {
        await transport.closeAll();
        await stack.close();
      });

      it('a session unused for more than 30 minutes is gone; one used meanwhile stays', async () => {
        const idle = await transport.open(alice);
        const busy = await transport.open(alice);
        clock.now += 20 * 60_000;
        await assertWorks(transport, alice, busy, 'the session used after 20 minutes');
        clock.now += 10 * 60_000 + 1000;
        await assertGone(transport, alice, idle, 'the session idle for 30 minutes and a second');
        await assertWorks(transport, alice, busy, 'the session used 10 minutes ago');
      });
    });
  });
}
