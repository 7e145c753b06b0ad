import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createIntrospectionVerifier,
  type IntrospectionVerifierOptions,
} from '../../src/auth/introspection-verifier.ts';
import { InvalidTokenError, VerifierUnavailableError } from '../../src/errors.ts';

const ENDPOINT = 'http://127.0.0.1:9000/token/introspection';
const ISSUER = 'http://127.0.0.1:9000';
const RESOURCE = 'http://localhost:8001/mcp';
const START = 1_800_000_000_000;

interface RecordedCall {
  readonly request: Request;
  readonly form: URLSearchParams;
}

type Answer = (form: URLSearchParams) => Response | Promise<Response>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fetch that records every request (normalised through `Request`) and answers from `answer`. */
function fakeFetch(answer: Answer) {
  const calls: RecordedCall[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const form = new URLSearchParams(await request.clone().text());
    calls.push({ request, form });
    return answer(form);
  }) as typeof fetch;
  return { calls, impl };
}

function setup(answer: Answer, overrides: Partial<IntrospectionVerifierOptions> = {}) {
  const clock = { now: START };
  const fetcher = fakeFetch(answer);
  const verifier = createIntrospectionVerifier({
    introspectionEndpoint: ENDPOINT,
    issuer: ISSUER,
    clientId: 'resource-server',
    clientSecret: 'secret',
    cacheSeconds: 30,
    cacheSize: 100,
    fetchImpl: fetcher.impl,
    now: () => clock.now,
    ...overrides,
  });
  return { clock, calls: fetcher.calls, verifier };
}

/** An RFC 7662 §2.2 answer for an active token that expires an hour after START. */
function active(extra: Record<string, unknown> = {}) {
  return {
    active: true,
    iss: ISSUER,
    sub: 'alice',
    client_id: 'cli',
    scope: 'user admin',
    aud: RESOURCE,
    exp: START / 1000 + 3600,
    token_type: 'Bearer',
    ...extra,
  };
}

/** RFC 6749 Appendix B: application/x-www-form-urlencoded decoding. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

describe('introspection verifier: the request (RFC 7662 §2.1)', () => {
  it('POSTs a form body carrying the token to the introspection endpoint', async () => {
    const token = 'abc.DEF-ghi_~+/xyz==';
    const { calls, verifier } = setup(() => json(active()));
    await verifier.verifyAccessToken(token);
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.ok(call);
    assert.equal(call.request.url, ENDPOINT);
    assert.equal(call.request.method, 'POST');
    assert.match(call.request.headers.get('content-type') ?? '', /^application\/x-www-form-urlencoded\b/);
    assert.equal(call.form.get('token'), token, 'the token survives form encoding unchanged');
    const hint = call.form.get('token_type_hint');
    assert.ok(hint === null || hint === 'access_token', `unexpected token_type_hint ${hint}`);
  });

  it('authenticates with HTTP Basic, client id and secret each form-urlencoded first (RFC 6749 §2.3.1)', async () => {
    const clientId = 'rs client';
    const clientSecret = 'p:ss w%rd+';
    const { calls, verifier } = setup(() => json(active()), { clientId, clientSecret });
    await verifier.verifyAccessToken('token-1');
    const authorization = calls[0]?.request.headers.get('authorization') ?? '';
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(authorization);
    assert.ok(match?.[1], `not a Basic credential: ${authorization}`);
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    assert.equal(decoded, 'rs+client:p%3Ass+w%25rd%2B');
    // The first ':' separates id and secret only because the secret's own ':' was encoded.
    const colon = decoded.indexOf(':');
    assert.equal(formDecode(decoded.slice(0, colon)), clientId);
    assert.equal(formDecode(decoded.slice(colon + 1)), clientSecret);
  });
});

describe('introspection verifier: the answer (RFC 7662 §2.2)', () => {
  it('maps an active answer: scope string to a list, aud string to a list, claims copied', async () => {
    const { verifier } = setup(() => json(active()));
    const verified = await verifier.verifyAccessToken('token-1');
    assert.deepEqual(verified, {
      token: 'token-1',
      clientId: 'cli',
      scopes: ['user', 'admin'],
      expiresAt: START / 1000 + 3600,
      extra: { subject: 'alice', audience: [RESOURCE], issuer: ISSUER },
    });
  });

  it('keeps an aud array as a list', async () => {
    const { verifier } = setup(() => json(active({ aud: [RESOURCE, 'https://other.example/mcp'] })));
    assert.deepEqual((await verifier.verifyAccessToken('t')).extra.audience, [
      RESOURCE,
      'https://other.example/mcp',
    ]);
  });

  it('active:false is an invalid token', async () => {
    const { verifier } = setup(() => json({ active: false }));
    await assert.rejects(verifier.verifyAccessToken('t'), InvalidTokenError);
  });

  it('an active answer without exp is refused as an invalid token (no unbounded tokens)', async () => {
    const { exp: _exp, ...withoutExp } = active();
    const { verifier } = setup(() => json(withoutExp));
    await assert.rejects(verifier.verifyAccessToken('t'), InvalidTokenError);
  });

  it('an exp already in the past is an invalid token', async () => {
    const { verifier } = setup(() => json(active({ exp: START / 1000 - 1 })));
    await assert.rejects(verifier.verifyAccessToken('t'), InvalidTokenError);
  });

  it('an iss other than the configured issuer is an invalid token', async () => {
    const { verifier } = setup(() => json(active({ iss: 'https://evil.example' })));
    await assert.rejects(verifier.verifyAccessToken('t'), InvalidTokenError);
  });

  it('a token_type other than an access token (e.g. refresh_token) is an invalid token', async () => {
    const { verifier } = setup(() => json(active({ token_type: 'refresh_token' })));
    await assert.rejects(verifier.verifyAccessToken('t'), InvalidTokenError);
  });

  for (const status of [401, 403]) {
    it(`a ${status} from the AS (our credentials refused) is VerifierUnavailableError, not a token error`, async () => {
      const { verifier } = setup(() => json({ error: 'invalid_client' }, status));
      await assert.rejects(verifier.verifyAccessToken('t'), (error: unknown) => {
        assert.ok(error instanceof VerifierUnavailableError, String(error));
        return true;
      });
    });
  }

  it('a 5xx from the AS is VerifierUnavailableError', async () => {
    const { verifier } = setup(() => new Response('down', { status: 503 }));
    await assert.rejects(verifier.verifyAccessToken('t'), VerifierUnavailableError);
  });

  it('a network failure is VerifierUnavailableError carrying the cause', async () => {
    const failure = new TypeError('fetch failed');
    const { verifier } = setup(() => {
      throw failure;
    });
    await assert.rejects(verifier.verifyAccessToken('t'), (error: unknown) => {
      assert.ok(error instanceof VerifierUnavailableError, String(error));
      assert.equal(error.cause, failure);
      return true;
    });
  });
});

describe('introspection verifier: the cache', () => {
  it('a second verify of the same token within cacheSeconds asks the AS once', async () => {
    const { calls, verifier } = setup(() => json(active()), { cacheSeconds: 30 });
    const first = await verifier.verifyAccessToken('same');
    const second = await verifier.verifyAccessToken('same');
    assert.equal(calls.length, 1);
    assert.deepEqual(second, first);
  });

  it('after cacheSeconds the AS is asked again (revocation takes effect within cacheSeconds)', async () => {
    const { clock, calls, verifier } = setup(() => json(active()), { cacheSeconds: 30 });
    await verifier.verifyAccessToken('same');
    clock.now += 30_000 - 1;
    await verifier.verifyAccessToken('same');
    assert.equal(calls.length, 1, 'still cached just before cacheSeconds');
    clock.now += 1;
    await verifier.verifyAccessToken('same');
    assert.equal(calls.length, 2, 'asked again once cacheSeconds have passed');
  });

  it('never serves a cached answer past the token exp, even when cacheSeconds is longer', async () => {
    let answers = 0;
    const exp = START / 1000 + 10;
    const { clock, calls, verifier } = setup(
      () => {
        answers += 1;
        return json(answers === 1 ? active({ exp }) : { active: false });
      },
      { cacheSeconds: 300 },
    );
    await verifier.verifyAccessToken('short-lived');
    clock.now += 9_000;
    await verifier.verifyAccessToken('short-lived');
    assert.equal(calls.length, 1, 'cached while the token is unexpired');
    clock.now = exp * 1000;
    await assert.rejects(verifier.verifyAccessToken('short-lived'), InvalidTokenError);
    assert.equal(calls.length, 2, 'the AS was asked again at exp');
  });

  it('cacheSeconds: 0 disables the cache', async () => {
    const { calls, verifier } = setup(() => json(active()), { cacheSeconds: 0 });
    await verifier.verifyAccessToken('same');
    await verifier.verifyAccessToken('same');
    assert.equal(calls.length, 2);
  });

  it('distinct tokens never share a cache entry: each is introspected with its own value', async () => {
    const { calls, verifier } = setup((form) => json(active({ sub: form.get('token') })));
    const a = await verifier.verifyAccessToken('token-a');
    const b = await verifier.verifyAccessToken('token-b');
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((call) => call.form.get('token')),
      ['token-a', 'token-b'],
    );
    assert.equal(a.extra.subject, 'token-a');
    assert.equal(b.extra.subject, 'token-b');
  });

  it('cacheStats() counts cache hits and misses', async () => {
    const { verifier } = setup(() => json(active()));
    assert.ok(verifier.cacheStats);
    assert.deepEqual(verifier.cacheStats(), { hits: 0, misses: 0 });
    await verifier.verifyAccessToken('a'); // miss
    await verifier.verifyAccessToken('a'); // hit
    await verifier.verifyAccessToken('b'); // miss
    await verifier.verifyAccessToken('a'); // hit
    await verifier.verifyAccessToken('b'); // hit
    assert.deepEqual(verifier.cacheStats(), { hits: 3, misses: 2 });
  });
});
