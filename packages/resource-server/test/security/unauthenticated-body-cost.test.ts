import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type JsonBodyReader, readJsonBody } from '../../src/http/json-body.ts';
import { requestWithOpenBody } from '../support/open-body-request.ts';
import { type SameOriginStack, startSameOriginStack } from '../support/same-origin-stack.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * MCP security best practices ("Denial of Service"): every anonymous request must be cheap. An
 * anonymous client sending a large (or endless) nested JSON body must get its 401/400 from the
 * headers alone, with no body read or parsed, and the connection closed rather than the rest of
 * the body drained (RFC 9112 §9.6).
 */

/** The start of a 2 MB nested body, as in the attack; the rest never comes. */
const NESTED_PREFIX = '['.repeat(64 * 1024);
/** RFC 7519 shape (three base64url parts) that no AS issued. */
const JWT_SHAPED =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJtYWxsb3J5IiwiYXVkIjoieCJ9.c2lnbmF0dXJlLW9mLW5vYm9keQ';

interface Refusal {
  readonly what: string;
  readonly authorization?: string;
  readonly tokenInQuery?: boolean;
  readonly status: 400 | 401;
}

const REFUSALS: readonly Refusal[] = [
  { what: 'no token', status: 401 },
  { what: 'a malformed Authorization header', authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=', status: 400 },
  { what: 'a token in the URL', tokenInQuery: true, status: 400 },
  { what: 'an unknown token', authorization: 'Bearer no-such-token-anywhere', status: 401 },
  { what: 'a JWT-shaped token the AS never issued', authorization: `Bearer ${JWT_SHAPED}`, status: 401 },
];

const ENDPOINTS: ReadonlyArray<[string, (mcpUrl: string) => string]> = [
  ['POST /mcp', (mcpUrl) => mcpUrl],
  ['POST /mcp/messages', (mcpUrl) => `${mcpUrl}/messages?sessionId=4a7c1c43-0000-4000-8000-000000000000`],
];

function urlFor(endpoint: string, refusal: Refusal): string {
  if (!refusal.tokenInQuery) return endpoint;
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}access_token=some-token`;
}

/** A server that waits for the body never answers: this turns that hang into a failure. */
const HANG_GUARD = { timeout: 10_000 };

/** Sends the refusal with a body that never ends and checks the answer came from the headers alone. */
async function assertRefusedBeforeTheBody(url: string, refusal: Refusal): Promise<void> {
  const exchange = requestWithOpenBody(
    url,
    refusal.authorization ? { authorization: refusal.authorization } : {},
    NESTED_PREFIX,
  );
  try {
    const answer = await exchange.answer;
    assert.equal(answer.status, refusal.status, answer.text);
    assert.match(String(answer.headers['www-authenticate']), /^Bearer .*resource_metadata=/);
    assert.equal(answer.headers.connection, 'close', 'the rest of the body is not drained');
    await exchange.connectionClosed;
  } finally {
    exchange.abort();
  }
}

describe('unauthenticated body cost: the token is checked before the body is read', () => {
  let stack: Stack;
  let bodiesRead = 0;
  const countingReader: JsonBodyReader = (req) => {
    bodiesRead += 1;
    return readJsonBody(req);
  };
  before(async () => {
    stack = await startStack({}, {}, { readJsonBody: countingReader });
  });
  after(() => stack.close());

  for (const [endpointName, endpointUrl] of ENDPOINTS) {
    for (const refusal of REFUSALS) {
      it(
        `${endpointName} with ${refusal.what}: ${refusal.status} while the body is still arriving, body never read, connection closed`,
        HANG_GUARD,
        async () => {
          const readsBefore = bodiesRead;
          await assertRefusedBeforeTheBody(urlFor(endpointUrl(stack.resourceUrl), refusal), refusal);
          assert.equal(bodiesRead, readsBefore, 'the body reader was never invoked');
        },
      );
    }
  }

  it('the body reader is invoked once the token is verified (the counter above can see reads)', async () => {
    const token = await stack.token();
    const readsBefore = bodiesRead;
    const response = await fetch(stack.resourceUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    await response.arrayBuffer();
    assert.equal(bodiesRead, readsBefore + 1);
  });

  it('a small unread body of a refused request is drained by the server and the connection kept', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const post = () =>
        new Promise<{ status: number; reused: boolean; connection: string | undefined }>(
          (resolve, reject) => {
            const outgoing = request(stack.resourceUrl, {
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json' },
            });
            outgoing.once('error', reject);
            outgoing.once('response', (incoming) => {
              incoming.resume();
              incoming.once('end', () =>
                resolve({
                  status: incoming.statusCode ?? 0,
                  reused: outgoing.reusedSocket,
                  connection: incoming.headers.connection,
                }),
              );
            });
            outgoing.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }));
          },
        );
      const first = await post();
      assert.equal(first.status, 401);
      assert.notEqual(first.connection, 'close');
      const second = await post();
      assert.equal(second.status, 401);
      assert.equal(second.reused, true, 'the second request travelled on the same connection');
    } finally {
      agent.destroy();
    }
  });
});

describe('unauthenticated body cost in the same-origin server (AS and MCP on one origin)', () => {
  let sameOrigin: SameOriginStack;
  before(async () => {
    sameOrigin = await startSameOriginStack();
  });
  after(() => sameOrigin.close());

  for (const [endpointName, endpointUrl] of ENDPOINTS) {
    for (const refusal of REFUSALS) {
      it(
        `${endpointName} with ${refusal.what}: ${refusal.status} while the body is still arriving, connection closed`,
        HANG_GUARD,
        async () => {
          await assertRefusedBeforeTheBody(urlFor(endpointUrl(sameOrigin.mcpUrl), refusal), refusal);
        },
      );
    }
  }
});
