import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NetworkFailure,
  observedFetch,
  ScopeChallenge,
  type ServerAnswer,
} from '../../src/connection/observed-fetch.ts';

const SERVER = new URL('http://localhost:8001/mcp');
const reset = () =>
  new TypeError('fetch failed', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });

/** A fetch that answers from a script, one entry per call. */
function scripted(...answers: Array<Response | Error>): typeof fetch & { calls: number } {
  const stub = Object.assign(
    async () => {
      const answer = answers[stub.calls++];
      if (answer instanceof Error) throw answer;
      if (!answer) throw new Error('no more answers');
      return answer;
    },
    { calls: 0 },
  );
  return stub as unknown as typeof fetch & { calls: number };
}

describe('the fetch the SDK uses: it names what failed', () => {
  it('a GET on a kept-alive connection the server just closed is sent once more; a POST is not', async () => {
    const getFetch = scripted(reset(), new Response('{}'));
    const get = observedFetch({ serverUrl: SERVER, record: () => {}, fetch: getFetch });
    assert.equal((await get('http://localhost:8001/.well-known/oauth-protected-resource/mcp')).status, 200);
    assert.equal(getFetch.calls, 2);
    const postFetch = scripted(reset(), new Response('{}'));
    const post = observedFetch({ serverUrl: SERVER, record: () => {}, fetch: postFetch });
    await assert.rejects(post(SERVER, { method: 'POST', body: '{}' }), (error) => {
      assert.ok(error instanceof NetworkFailure);
      assert.ok(error instanceof TypeError, 'a TypeError, as the SDK expects of network failures');
      assert.equal(error.reason, 'connection reset');
      return true;
    });
    assert.equal(postFetch.calls, 1);
  });

  it('403 insufficient_scope (RFC 6750 §3.1) becomes a ScopeChallenge naming the scope and the tool', async () => {
    const answer = new Response('{"error":"insufficient_scope"}', {
      status: 403,
      headers: {
        'www-authenticate':
          'Bearer error="insufficient_scope", scope="user admin", resource_metadata="http://localhost:8001/.well-known/oauth-protected-resource/mcp"',
      },
    });
    const observed = observedFetch({ serverUrl: SERVER, record: () => {}, fetch: scripted(answer) });
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'server_stats' },
    });
    await assert.rejects(observed(SERVER, { method: 'POST', body }), (error) => {
      assert.ok(error instanceof ScopeChallenge);
      assert.equal(error.scope, 'user admin');
      assert.equal(error.tool, 'server_stats');
      assert.equal(
        error.resourceMetadataUrl?.href,
        'http://localhost:8001/.well-known/oauth-protected-resource/mcp',
      );
      return true;
    });
  });

  it("the MCP server's failed answers are recorded with their OAuth error; metadata lookups and other origins are not", async () => {
    const recorded: ServerAnswer[] = [];
    const observed = observedFetch({
      serverUrl: SERVER,
      record: (answer) => recorded.push(answer),
      fetch: scripted(
        new Response('{"error":"temporarily_unavailable","error_description":"the AS is down"}', {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '5' },
        }),
        new Response('', { status: 404 }),
        new Response('', { status: 500 }),
      ),
    });
    const unavailable = await observed(SERVER, { method: 'POST', body: '{}' });
    assert.equal(
      await unavailable.text(),
      '{"error":"temporarily_unavailable","error_description":"the AS is down"}',
      'the body is left for the SDK',
    );
    await observed('http://localhost:8001/.well-known/oauth-protected-resource/mcp');
    await observed('http://localhost:9000/token', { method: 'POST' });
    assert.deepEqual(recorded, [
      {
        kind: 'status',
        url: SERVER.href,
        method: 'POST',
        status: 503,
        error: 'temporarily_unavailable',
        description: 'the AS is down',
        retryAfter: '5',
      },
    ]);
  });
});
