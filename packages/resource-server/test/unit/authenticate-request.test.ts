import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { type AuthenticateOptions, authenticateRequest } from '../../src/auth/authenticate-request.ts';
import { DpopReplayCache } from '../../src/auth/dpop-replay-cache.ts';
import type { TokenVerifier, VerifiedToken } from '../../src/auth/verified-token.ts';
import { InvalidTokenError, ResourceServerError, VerifierUnavailableError } from '../../src/errors.ts';

const RESOURCE = 'http://localhost:8001/mcp';

/** What a verifier learns about a token, with `overrides` for the audience and scopes. */
function token(overrides: { scopes?: string[]; audience?: string[] } = {}): VerifiedToken {
  return {
    clientId: 'cli',
    scopes: overrides.scopes ?? ['user'],
    expiresAt: Math.floor(Date.now() / 1000) + 300,
    extra: {
      subject: 'alice',
      audience: overrides.audience ?? [RESOURCE],
      issuer: 'http://127.0.0.1:9000',
    },
  };
}

/** A verifier that records the tokens it is asked about and answers with `answer`. */
function fakeVerifier(answer: VerifiedToken | Error) {
  const seen: string[] = [];
  const verifier: TokenVerifier = {
    kind: 'introspection',
    async verifyAccessToken(value) {
      seen.push(value);
      if (answer instanceof Error) throw answer;
      return { token: value, ...answer };
    },
  };
  return { seen, verifier };
}

/** A request as Node gives it: `rawHeaders` is every header line, names in the case sent. */
function request(authorization: string[] | undefined, url = '/mcp', name = 'Authorization'): IncomingMessage {
  const rawHeaders = ['Host', 'localhost:8001', 'Accept', 'application/json'];
  for (const value of authorization ?? []) rawHeaders.push(name, value);
  return { url, rawHeaders, headers: {} } as unknown as IncomingMessage;
}

function run(
  req: IncomingMessage,
  answer: VerifiedToken | Error = token(),
  options: Partial<Omit<AuthenticateOptions, 'verifier'>> = {},
) {
  const fake = fakeVerifier(answer);
  const result = authenticateRequest(req, {
    verifier: fake.verifier,
    resourceUrl: RESOURCE,
    acceptAnyAudience: false,
    requiredScopes: ['user'],
    dpop: { required: false, replayCache: new DpopReplayCache(), now: Date.now },
    ...options,
  });
  return { result, seen: fake.seen };
}

/** The RFC 6750 §3 challenge a refusal was thrown with. */
async function challengeOf(promise: ReturnType<typeof authenticateRequest>) {
  const refusal = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof ResourceServerError && refusal.challenge, 'expected a challenge');
  return refusal.challenge;
}

describe('authenticateRequest: where the token is (RFC 6750 §2)', () => {
  it('no Authorization header: 401 with no error code (RFC 6750 §3.1) and the verifier is not asked', async () => {
    const { result, seen } = run(request(undefined));
    assert.deepEqual(await challengeOf(result), { status: 401, scopes: ['user'] });
    assert.deepEqual(seen, []);
  });

  it('an empty list of Authorization headers counts as none: 401 without error', async () => {
    const { result } = run(request([]));
    assert.deepEqual(await challengeOf(result), { status: 401, scopes: ['user'] });
  });

  it('a Basic credential is a malformed request: 400 invalid_request', async () => {
    const { result, seen } = run(request(['Basic dXNlcjpwYXNz']));
    const challenge = await challengeOf(result);
    assert.equal(challenge.status, 400);
    assert.equal(challenge.error, 'invalid_request');
    assert.deepEqual(seen, []);
  });

  for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer tok,en', 'Bearer=abc', 'Bearertoken']) {
    it(`a header that is not "Bearer <b64token>" (${JSON.stringify(header)}) is 400 invalid_request (RFC 6750 §2.1)`, async () => {
      const { result, seen } = run(request([header]));
      const challenge = await challengeOf(result);
      assert.equal(challenge.status, 400);
      assert.equal(challenge.error, 'invalid_request');
      assert.deepEqual(seen, []);
    });
  }

  it('two Authorization headers are refused with 400, even if both are Bearer (one token, one method)', async () => {
    const { result, seen } = run(request(['Bearer aaa', 'Bearer aaa']));
    const challenge = await challengeOf(result);
    assert.equal(challenge.status, 400);
    assert.equal(challenge.error, 'invalid_request');
    assert.deepEqual(seen, []);
  });

  it('two Authorization headers are seen whatever their name case (HTTP field names are case-insensitive, RFC 9110 §5.1)', async () => {
    const req = request(['Bearer aaa'], '/mcp', 'authorization');
    (req.rawHeaders as string[]).push('AUTHORIZATION', 'Bearer aaa');
    const challenge = await challengeOf(run(req).result);
    assert.equal(challenge.status, 400);
  });

  it('a header name in any case is read (RFC 9110 §5.1)', async () => {
    const { result, seen } = run(request(['Bearer good'], '/mcp', 'aUtHoRiZaTiOn'));
    assert.ok(await result, 'accepted');
    assert.deepEqual(seen, ['good']);
  });

  it('an access_token query parameter is refused with 400 (OAuth 2.1 §5.2.1), even with a valid header', async () => {
    const { result, seen } = run(request(['Bearer good'], '/mcp?access_token=good'));
    const challenge = await challengeOf(result);
    assert.equal(challenge.status, 400);
    assert.equal(challenge.error, 'invalid_request');
    assert.deepEqual(seen, []);
  });

  it('the scheme name is case-insensitive (RFC 9110 §11.1) and the exact token reaches the verifier', async () => {
    const value = 'abc.DEF-ghi_~+/xyz==';
    const { result, seen } = run(request([`bearer  ${value}`]));
    const outcome = await result;
    assert.deepEqual(seen, [value]);
    assert.equal(outcome.token, value);
  });
});

describe('authenticateRequest: the token (OAuth 2.1 §5.2)', () => {
  it('a valid token with the right audience and scopes is accepted with what the verifier learned', async () => {
    const verified = token({ scopes: ['user', 'admin'] });
    const outcome = await run(request(['Bearer good']), verified, { requiredScopes: ['user', 'admin'] })
      .result;
    assert.deepEqual(outcome, { token: 'good', ...verified });
  });

  it('an InvalidTokenError becomes 401 invalid_token with its message as description', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer bad']), new InvalidTokenError('the access token is not active')).result,
    );
    assert.deepEqual(challenge, {
      status: 401,
      error: 'invalid_token',
      description: 'the access token is not active',
      scopes: ['user'],
      scheme: 'Bearer',
    });
  });

  it('VerifierUnavailableError propagates: an unreachable AS is never turned into a 401 or an acceptance', async () => {
    const failure = new VerifierUnavailableError('down');
    await assert.rejects(run(request(['Bearer t']), failure).result, (error: unknown) => error === failure);
  });

  it('a token for another resource is 401 invalid_token (MCP token audience binding, RFC 8707)', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ audience: ['http://localhost:8002/mcp'] })).result,
    );
    assert.equal(challenge.status, 401);
    assert.equal(challenge.error, 'invalid_token');
  });

  it('a token with no audience at all is 401 invalid_token', async () => {
    const challenge = await challengeOf(run(request(['Bearer t']), token({ audience: [] })).result);
    assert.equal(challenge.status, 401);
    assert.equal(challenge.error, 'invalid_token');
  });

  it('the audience is compared canonically: scheme and host case do not matter', async () => {
    const outcome = await run(request(['Bearer t']), token({ audience: ['HTTP://LOCALHOST:8001/mcp'] }))
      .result;
    assert.ok(outcome.token, 'accepted');
  });

  it('the audience path is compared exactly: /mcp/ is not /mcp', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ audience: ['http://localhost:8001/mcp/'] })).result,
    );
    assert.equal(challenge.status, 401);
    assert.equal(challenge.error, 'invalid_token');
  });

  it('one matching entry in a multi-valued aud is enough', async () => {
    const outcome = await run(
      request(['Bearer t']),
      token({ audience: ['https://other.example/mcp', RESOURCE] }),
    ).result;
    assert.ok(outcome.token, 'accepted');
  });

  it('a missing scope is 403 insufficient_scope listing every scope the operation needs (RFC 6750 §3.1)', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ scopes: ['user'] }), { requiredScopes: ['user', 'admin'] }).result,
    );
    assert.equal(challenge.status, 403);
    assert.equal(challenge.error, 'insufficient_scope');
    assert.deepEqual(challenge.scopes, ['user', 'admin']);
    assert.match(challenge.description ?? '', /\badmin\b/);
  });

  it('scopes are compared exactly, not as substrings or prefixes', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ scopes: ['user', 'administrator'] }), {
        requiredScopes: ['user', 'admin'],
      }).result,
    );
    assert.equal(challenge.status, 403);
  });

  it('the audience is checked before the scopes: a foreign token with too few scopes is 401, not 403', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ audience: ['https://other.example/mcp'], scopes: [] })).result,
    );
    assert.equal(challenge.status, 401);
  });

  it('acceptAnyAudience skips the audience check', async () => {
    const outcome = await run(request(['Bearer t']), token({ audience: ['https://other.example/mcp'] }), {
      acceptAnyAudience: true,
    }).result;
    assert.ok(outcome.token, 'accepted');
  });

  it('acceptAnyAudience skips only the audience check: scopes are still enforced', async () => {
    const challenge = await challengeOf(
      run(request(['Bearer t']), token({ audience: ['https://other.example/mcp'], scopes: ['user'] }), {
        acceptAnyAudience: true,
        requiredScopes: ['user', 'admin'],
      }).result,
    );
    assert.equal(challenge.status, 403);
    assert.equal(challenge.error, 'insufficient_scope');
  });
});
