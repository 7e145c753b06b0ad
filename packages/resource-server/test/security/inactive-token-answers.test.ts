import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger, type Logger } from '@mcp-auth/shared';
import { createIntrospectionVerifier } from '../../src/auth/introspection-verifier.ts';
import { InvalidTokenError, VerifierUnavailableError } from '../../src/errors.ts';
import { type RunningResourceServer, startResourceServer } from '../../src/index.ts';
import { requestWithOpenBody } from '../support/open-body-request.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * RFC 7662 §2.2: a token the AS does not vouch for (inactive, unknown, not introspectable) is
 * `active: false`, which the RS answers 401 invalid_token (RFC 6750 §3.1). Only an AS that cannot
 * be asked (unreachable, too slow, failing, refusing the RS's own credentials) makes the RS
 * answer 503: a client cannot repair that with a new token, an operator must act.
 */

/** RFC 7519 shape (three base64url parts) that no AS issued. */
const JWT_SHAPED =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJtYWxsb3J5IiwiYXVkIjoieCJ9.c2lnbmF0dXJlLW9mLW5vYm9keQ';

interface LogRecord {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => records.push(JSON.parse(line)) });
  return { logger, records };
}

async function postInitialize(url: string, token: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
  });
  await response.arrayBuffer();
  return response;
}

describe('inactive token answers from our own AS', () => {
  let stack: Stack;
  const { logger, records } = recordingLogger();
  before(async () => {
    stack = await startStack({}, {}, { logger });
  });
  after(() => stack.close());

  it('a JWT-shaped bearer the AS never issued is 401 invalid_token, not 503, and logs no error', async () => {
    // oidc-provider refuses to introspect JWT-shaped tokens (400 unsupported_token_type).
    const response = await postInitialize(stack.resourceUrl, JWT_SHAPED);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.deepEqual(
      records.filter((record) => record.level === 'error'),
      [],
    );
  });

  it('an opaque token the AS does not know is 401 invalid_token', async () => {
    const response = await postInitialize(stack.resourceUrl, 'no-such-token-anywhere');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });
});

/** How the fake AS answers an introspection request for a token of that name. */
type FakeAnswer = (res: ServerResponse) => void;

function json(status: number, body: unknown): FakeAnswer {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

const FAKE_ANSWERS: Record<string, FakeAnswer> = {
  inactive: json(200, { active: false }),
  'refused-as-jwt': json(400, {
    error: 'unsupported_token_type',
    error_description: 'Structured JWT Tokens cannot be introspected via the introspection_endpoint',
  }),
  'refused-as-malformed': json(400, { error: 'invalid_request', error_description: 'token is malformed' }),
  'refused-without-json': (res) => {
    res.writeHead(400, { 'content-type': 'text/html' });
    res.end('<h1>Bad Request</h1>');
  },
  'credentials-401': json(401, { error: 'invalid_client' }),
  'credentials-403': json(403, { error: 'access_denied' }),
  'credentials-400': json(400, { error: 'invalid_client' }),
  'server-error-500': json(500, { error: 'server_error' }),
  'bad-gateway-502': (res) => {
    res.writeHead(502);
    res.end();
  },
  'connection-dropped': (res) => res.socket?.destroy(),
  'never-answers': () => {},
};

/** A stand-in AS: RFC 8414 metadata and an introspection endpoint answering from FAKE_ANSWERS. */
async function startFakeAuthorizationServer(
  resourceUrl: () => string,
): Promise<{ issuer: string; server: Server }> {
  let issuer = '';
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-authorization-server') {
      return json(200, { issuer, introspection_endpoint: `${issuer}/introspect` })(res);
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      if (token === 'active') {
        const exp = Math.floor(Date.now() / 1000) + 600;
        return json(200, { active: true, iss: issuer, sub: 'alice', scope: 'user', aud: resourceUrl(), exp })(
          res,
        );
      }
      (FAKE_ANSWERS[token] ?? json(200, { active: false }))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, server };
}

describe('inactive token answers: every introspection answer mapped (fake AS)', () => {
  let fake: { issuer: string; server: Server };
  let rs: RunningResourceServer;
  const { logger, records } = recordingLogger();
  before(async () => {
    fake = await startFakeAuthorizationServer(() => rs.resourceUrl);
    rs = await startResourceServer(
      {
        port: 0,
        authServer: fake.issuer,
        introspection: { clientId: 'rs-client', clientSecret: 'rs-secret' },
      },
      { logger },
    );
  });
  after(async () => {
    await rs.close();
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('an active token opens the server (the fake AS is a working AS)', async () => {
    const response = await postInitialize(rs.resourceUrl, 'active');
    assert.equal(response.status, 200);
  });

  for (const [token, what] of [
    ['inactive', 'active: false'],
    ['refused-as-jwt', '400 unsupported_token_type (what oidc-provider answers for a JWT-shaped token)'],
    ['refused-as-malformed', '400 invalid_request for this one token'],
    ['refused-without-json', '400 without an error code'],
  ] as const) {
    it(`an AS answer of ${what} is 401 invalid_token for that token, with no error logged`, async () => {
      const errorsBefore = records.filter((record) => record.level === 'error').length;
      const response = await postInitialize(rs.resourceUrl, token);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(records.filter((record) => record.level === 'error').length, errorsBefore);
    });
  }

  for (const [token, what] of [
    ['credentials-401', '401 invalid_client'],
    ['credentials-403', '403'],
    ['credentials-400', '400 invalid_client (RFC 6749 §5.2 allows 400 for it)'],
  ] as const) {
    it(`an AS answer of ${what} about our own credentials is 503, logged with what to check`, async () => {
      const response = await postInitialize(rs.resourceUrl, token);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      const logged = records.at(-1);
      assert.equal(logged?.level, 'error');
      assert.match(String(logged?.error), /introspection credentials .*rs-client.*check/);
      assert.doesNotMatch(JSON.stringify(records), /rs-secret/, 'the secret is never logged');
    });
  }

  for (const [token, what] of [
    ['server-error-500', '500'],
    ['bad-gateway-502', '502'],
    ['connection-dropped', 'a dropped connection'],
  ] as const) {
    it(`an AS that fails (${what}) is 503, logged`, async () => {
      const response = await postInitialize(rs.resourceUrl, token);
      assert.equal(response.status, 503);
      const logged = records.at(-1);
      assert.equal(logged?.level, 'error');
      assert.match(String(logged?.msg), /token verification unavailable/);
    });
  }

  it('an AS that fails while an endless body is arriving: 503 at once, the body not drained', {
    timeout: 10_000,
  }, async () => {
    const exchange = requestWithOpenBody(
      rs.resourceUrl,
      { authorization: 'Bearer server-error-500' },
      '['.repeat(4096),
    );
    try {
      const answer = await exchange.answer;
      assert.equal(answer.status, 503);
      assert.equal(answer.headers.connection, 'close');
      await exchange.connectionClosed;
    } finally {
      exchange.abort();
    }
  });
});

describe('inactive token answers: the introspection verifier against the fake AS', () => {
  let fake: { issuer: string; server: Server };
  before(async () => {
    fake = await startFakeAuthorizationServer(() => 'http://localhost:1/mcp');
  });
  after(async () => {
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  const verifier = (timeoutMs: number) =>
    createIntrospectionVerifier({
      introspectionEndpoint: `${fake.issuer}/introspect`,
      issuer: fake.issuer,
      clientId: 'rs-client',
      clientSecret: 'rs-secret',
      cacheSeconds: 0,
      cacheSize: 10,
      timeoutMs,
    });

  it('an AS that never answers is unavailable once the timeout passes, naming the endpoint', async () => {
    await assert.rejects(verifier(100).verifyAccessToken('never-answers'), (error: unknown) => {
      assert.ok(error instanceof VerifierUnavailableError, String(error));
      assert.match(error.message, /no answer within 100 ms/);
      assert.ok(error.message.includes(`${fake.issuer}/introspect`));
      return true;
    });
  });

  it('a 400 about the token is InvalidTokenError; a 400 about our credentials is VerifierUnavailableError', async () => {
    await assert.rejects(verifier(5000).verifyAccessToken('refused-as-jwt'), InvalidTokenError);
    await assert.rejects(verifier(5000).verifyAccessToken('credentials-400'), VerifierUnavailableError);
  });
});
