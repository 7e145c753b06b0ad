import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SdkError, SdkErrorCode, SdkHttpError, SseError } from '@modelcontextprotocol/client';
import { AuthFailure, ClientFailure, EXIT } from '../../src/connection/errors.ts';
import { explainFailure, type FailureContext } from '../../src/connection/explain-failure.ts';
import { NetworkFailure } from '../../src/connection/observed-fetch.ts';

const SERVER = 'http://localhost:8001/mcp';
const context = (overrides: Partial<FailureContext> = {}): FailureContext => ({
  serverUrl: SERVER,
  transport: 'streamable-http',
  lastAnswer: undefined,
  ...overrides,
});
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('failures explained: what was tried, what to do next', () => {
  it('no answer from the MCP server, even wrapped by the SDK: its URL and how to start it', () => {
    const failure = new NetworkFailure(SERVER, new TypeError('fetch failed', { cause: refused() }));
    const wrapped = new SdkError(
      SdkErrorCode.EraNegotiationFailed,
      'Version negotiation probe failed: …',
      {},
      { cause: failure },
    );
    const explained = explainFailure(wrapped, context());
    assert.ok(explained instanceof ClientFailure);
    assert.equal(explained.exitCode, EXIT.failure);
    assert.equal(
      explained.message,
      `cannot reach the MCP server at ${SERVER} (connection refused); is mcp-auth-rs running? Start it with: npx mcp-auth-rs --port=8001 (or check --url)`,
    );
  });

  it('no answer from another origin: the authorization server, named', () => {
    const failure = new NetworkFailure(
      'http://localhost:9000/.well-known/oauth-authorization-server',
      refused(),
    );
    assert.match(
      explainFailure(failure, context()).message,
      /^cannot reach the authorization server at http:\/\/localhost:9000 \(connection refused\), where the MCP server at http:\/\/localhost:8001\/mcp sends you to sign in; is mcp-auth-as running\? Start it with: npx mcp-auth-as --port=9000/,
    );
  });

  it('503 temporarily_unavailable: the MCP server cannot reach its AS; when to try again', () => {
    const error = new SdkHttpError(
      SdkErrorCode.EraNegotiationFailed,
      'Version negotiation failed: … HTTP 503',
      { status: 503, statusText: '' },
    );
    const explained = explainFailure(
      error,
      context({
        lastAnswer: {
          kind: 'status',
          url: SERVER,
          method: 'POST',
          status: 503,
          error: 'temporarily_unavailable',
          description: 'the authorization server cannot be reached',
          retryAfter: '5',
        },
      }),
    );
    assert.equal(
      explained.message,
      `the MCP server at ${SERVER} cannot reach its authorization server right now (HTTP 503: the authorization server cannot be reached); start the authorization server (npx mcp-auth-as), or try again in 5 s`,
    );
  });

  it('the deprecated transport at a Streamable HTTP URL, and the reverse: the right pairing', () => {
    const sseAtMcp = explainFailure(
      new SseError(400, 'Non-200 status code (400)', undefined as never),
      context({ transport: 'sse' }),
    );
    assert.match(
      sseAtMcp.message,
      /refused a HTTP\+SSE request \(HTTP 400\); with --transport sse, --url must be the SSE endpoint: try --url http:\/\/localhost:8001\/mcp\/sse/,
    );
    const streamableAtSse = explainFailure(
      new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'Error POSTing to endpoint', {
        status: 405,
        statusText: '',
      }),
      context({ serverUrl: `${SERVER}/sse` }),
    );
    assert.match(
      streamableAtSse.message,
      /is a deprecated HTTP\+SSE endpoint: add --transport sse, or use --url http:\/\/localhost:8001\/mcp for Streamable HTTP/,
    );
  });

  it('a 401 after signing in again is a sign-in failure (exit 3) with what to do', () => {
    const explained = explainFailure(
      new SdkHttpError(SdkErrorCode.ClientHttpAuthentication, 'Server returned 401 after re-authentication', {
        status: 401,
        statusText: '',
      }),
      context(),
    );
    assert.ok(explained instanceof AuthFailure);
    assert.match(
      explained.message,
      /still refuses this client after signing in again \(HTTP 401\); run `mcp-auth-client logout`/,
    );
  });

  it('an explained failure thrown through the SDK comes out as it was; the unforeseen as it is', () => {
    const inner = new AuthFailure('not signed in');
    assert.equal(
      explainFailure(new SdkError(SdkErrorCode.EraNegotiationFailed, 'x', {}, { cause: inner }), context()),
      inner,
    );
    const odd = new RangeError('odd');
    assert.equal(explainFailure(odd, context()), odd);
  });
});
