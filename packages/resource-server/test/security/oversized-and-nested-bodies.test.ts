import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSON_BODY_LIMITS } from '../../src/http/json-body.ts';
import { JsonNestingGauge } from '../../src/http/json-nesting.ts';
import { requestWithOpenBody } from '../support/open-body-request.ts';
import { type SameOriginStack, startSameOriginStack } from '../support/same-origin-stack.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * Bodies of authenticated requests are bounded too: at most 4 MiB and 64 levels of nesting, both
 * measured while the body is read, so a body past either bound is refused (JSON-RPC 2.0 §5.1
 * -32600 with 413/400) before `JSON.parse` builds anything and without reading the rest.
 */

const MAX_DEPTH = JSON_BODY_LIMITS.maxDepth;
const MAX_BYTES = JSON_BODY_LIMITS.maxBytes;

/** A 2025-era initialize whose nesting is exactly `depth`: root, params and _meta, then arrays. */
function initializeNested(depth: number): string {
  let deep: unknown = 0;
  for (let level = 0; level < depth - 3; level += 1) deep = [deep];
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'nesting', version: '1' },
      _meta: { 'example.com/deep': deep },
    },
  });
}

/** The attack's shape: 100,000 arrays inside one another (200 kB). */
const DEEPLY_NESTED = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

async function post(url: string, token: string, body: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

function jsonRpcErrorCode(text: string): number | undefined {
  return (JSON.parse(text) as { error?: { code?: number } }).error?.code;
}

async function assertNestingRefused(url: string, token: string, body: string): Promise<void> {
  const answer = await post(url, token, body);
  assert.equal(answer.status, 400, answer.text);
  assert.equal(jsonRpcErrorCode(answer.text), -32600);
  assert.match(answer.text, /deeper than 64 levels/);
}

/** A server that waits for the body never answers these: this turns that hang into a failure. */
const HANG_GUARD = { timeout: 10_000 };

describe('oversized and nested bodies with a valid token (standalone RS)', () => {
  let stack: Stack;
  let token: string;
  before(async () => {
    stack = await startStack();
    token = await stack.token();
  });
  after(() => stack.close());

  it('bad bodies (malformed, wrong type, over 4 MiB) get JSON-RPC errors with 4xx, never a crash', async () => {
    const cases: Array<[string, string, number]> = [
      ['{not json', 'application/json', 400],
      ['hello', 'text/plain', 415],
      [`{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`, 'application/json', 413],
    ];
    for (const [body, type, status] of cases) {
      const response = await fetch(stack.resourceUrl, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${token}` },
        body,
      });
      assert.equal(response.status, status, type);
      await response.arrayBuffer();
    }
    const wrongMethod = await fetch(stack.resourceUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(wrongMethod.status, 405);
  });

  it('a body nested 100,000 levels deep is refused with 400 -32600, and the server keeps serving', async () => {
    await assertNestingRefused(stack.resourceUrl, token, DEEPLY_NESTED);
    const next = await post(stack.resourceUrl, token, initializeNested(4));
    assert.equal(next.status, 200, next.text);
  });

  it(`nesting of exactly ${MAX_DEPTH} levels is served; ${MAX_DEPTH + 1} is refused`, async () => {
    const atLimit = await post(stack.resourceUrl, token, initializeNested(MAX_DEPTH));
    assert.equal(atLimit.status, 200, atLimit.text);
    await assertNestingRefused(stack.resourceUrl, token, initializeNested(MAX_DEPTH + 1));
  });

  it('brackets inside strings, escaped quotes included, are text, not nesting', async () => {
    const name = `\\"${'[{'.repeat(200)}`;
    const body = initializeNested(4).replace('"nesting"', `"${name}"`);
    assert.equal(
      (JSON.parse(body) as { params: { clientInfo: { name: string } } }).params.clientInfo.name.length,
      401,
    );
    const answer = await post(stack.resourceUrl, token, body);
    assert.equal(answer.status, 200, answer.text);
  });

  it(
    'a deeply nested body that never ends is refused while it arrives (before any parse), connection closed',
    HANG_GUARD,
    async () => {
      const exchange = requestWithOpenBody(
        stack.resourceUrl,
        { authorization: `Bearer ${token}` },
        '['.repeat(4096),
      );
      try {
        const answer = await exchange.answer;
        assert.equal(answer.status, 400, answer.text);
        assert.equal(jsonRpcErrorCode(answer.text), -32600);
        assert.equal(answer.headers.connection, 'close');
        await exchange.connectionClosed;
      } finally {
        exchange.abort();
      }
    },
  );

  it(
    'a body of unannounced length past 4 MiB is answered 413 -32600 (not a reset), connection closed',
    HANG_GUARD,
    async () => {
      const exchange = requestWithOpenBody(
        stack.resourceUrl,
        { authorization: `Bearer ${token}` },
        Buffer.alloc(MAX_BYTES + 1, 0x20),
      );
      try {
        const answer = await exchange.answer;
        assert.equal(answer.status, 413, answer.text);
        assert.equal(jsonRpcErrorCode(answer.text), -32600);
        assert.equal(answer.headers.connection, 'close');
        await exchange.connectionClosed;
      } finally {
        exchange.abort();
      }
    },
  );

  it(
    'a declared Content-Length past 4 MiB is answered 413 before any body is sent, connection closed',
    HANG_GUARD,
    async () => {
      const exchange = requestWithOpenBody(
        stack.resourceUrl,
        { authorization: `Bearer ${token}`, 'content-length': String(MAX_BYTES + 1) },
        '',
      );
      try {
        const answer = await exchange.answer;
        assert.equal(answer.status, 413, answer.text);
        assert.equal(answer.headers.connection, 'close', 'the announced body is not drained');
        await exchange.connectionClosed;
      } finally {
        exchange.abort();
      }
    },
  );

  for (const [method, path] of [
    ['GET', ''],
    ['DELETE', ''],
    ['GET', '/sse'],
  ] as const) {
    it(
      `${method} /mcp${path} carries no message: an endless body is refused with 400, never read nor drained`,
      HANG_GUARD,
      async () => {
        const exchange = requestWithOpenBody(
          `${stack.resourceUrl}${path}`,
          { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'mcp-session-id': 'unknown' },
          '['.repeat(4096),
          method,
        );
        try {
          const answer = await exchange.answer;
          assert.equal(answer.status, 400, answer.text);
          assert.match(answer.text, /carries no body/);
          assert.equal(answer.headers.connection, 'close');
          await exchange.connectionClosed;
        } finally {
          exchange.abort();
        }
      },
    );
  }

  it('POST /mcp/messages (deprecated SSE) refuses the deeply nested body alike', async () => {
    await assertNestingRefused(
      `${stack.resourceUrl}/messages?sessionId=4a7c1c43-0000-4000-8000-000000000000`,
      token,
      DEEPLY_NESTED,
    );
  });
});

describe('oversized and nested bodies in the same-origin server (AS and MCP on one origin)', () => {
  let sameOrigin: SameOriginStack;
  let token: string;
  before(async () => {
    sameOrigin = await startSameOriginStack();
    token = await sameOrigin.token();
  });
  after(() => sameOrigin.close());

  for (const [name, url] of [
    ['POST /mcp', (mcpUrl: string) => mcpUrl],
    ['POST /mcp/messages', (mcpUrl: string) => `${mcpUrl}/messages?sessionId=unknown`],
  ] as const) {
    it(`${name}: a body nested 100,000 levels deep is refused with 400 -32600, and the server keeps serving`, async () => {
      await assertNestingRefused(url(sameOrigin.mcpUrl), token, DEEPLY_NESTED);
      const next = await post(sameOrigin.mcpUrl, token, initializeNested(4));
      assert.equal(next.status, 200, next.text);
    });
  }
});

describe('JsonNestingGauge: depth measured while the text arrives', () => {
  const depthRefused = (pieces: string[], maxDepth = 2) => {
    const gauge = new JsonNestingGauge(maxDepth);
    return !pieces.every((piece) => gauge.withinLimit(Buffer.from(piece)));
  };

  it('counts objects and arrays alike and refuses one level past the maximum', () => {
    assert.equal(depthRefused(['{"a":[1]}']), false);
    assert.equal(depthRefused(['{"a":[{}]}']), true);
    assert.equal(depthRefused(['[[],{},[1]]']), false, 'siblings do not add up');
  });

  it('keeps counting across pieces, however the text is cut', () => {
    const text = '{"a":"[[[","b":[[1]]}';
    for (let cut = 0; cut <= text.length; cut += 1) {
      assert.equal(depthRefused([text.slice(0, cut), text.slice(cut)]), true, `cut at ${cut}`);
    }
  });

  it('an escaped quote does not end a string, even when a piece ends on the backslash', () => {
    const text = '["\\"[[[", 1]';
    for (let cut = 0; cut <= text.length; cut += 1) {
      assert.equal(depthRefused([text.slice(0, cut), text.slice(cut)], 1), false, `cut at ${cut}`);
    }
    assert.equal(depthRefused(['["\\\\", [[1]]]']), true, 'an escaped backslash does end the escape');
  });

  it('multi-byte UTF-8 text is never mistaken for brackets or quotes', () => {
    assert.equal(depthRefused(['["ſ[ƛ»«", "日本語"]'], 1), false);
  });
});
