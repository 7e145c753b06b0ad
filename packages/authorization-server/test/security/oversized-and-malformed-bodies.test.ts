import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { formAction, hiddenValue, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { requestAuthorization } from '../support/authorization-request.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/** Every endpoint, every kind of nonsense: always a 4xx with an error body, never a 5xx. */
describe('bad input never yields a 5xx', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const endpoints = ['/token', '/reg', '/token/introspection', '/token/revocation', '/auth'];
  const bodies: Array<[string, string, string]> = [
    ['malformed JSON', 'application/json', '{"redirect_uris": ['],
    ['malformed form', 'application/x-www-form-urlencoded', '%%%=&&=%zz'],
    ['empty body', 'application/x-www-form-urlencoded', ''],
    ['wrong content type', 'text/plain', 'hello'],
    ['oversized body', 'application/x-www-form-urlencoded', `grant_type=${'a'.repeat(2_000_000)}`],
    ['JSON array', 'application/json', '[1,2,3]'],
    ['null bytes', 'application/x-www-form-urlencoded', 'grant_type=\u0000&client_id=\u0000'],
    ['oversized JSON', 'application/json', `{"client_name":"${'a'.repeat(2_000_000)}"}`],
    ['JSON nested 10,000 levels deep', 'application/json', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['a parameter repeated 10,000 times', 'application/x-www-form-urlencoded', 'scope=user&'.repeat(10_000)],
  ];

  for (const endpoint of endpoints) {
    for (const [label, contentType, body] of bodies) {
      it(`POST ${endpoint} with ${label} → 4xx`, async () => {
        const response = await fetch(`${server.issuer}${endpoint}`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
        await response.arrayBuffer();
      });
    }
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      it(`${method} ${endpoint} → 4xx`, async () => {
        const response = await fetch(`${server.issuer}${endpoint}`, { method });
        assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
        await response.arrayBuffer();
      });
    }
  }

  it('GET /token → 4xx', async () => {
    const response = await fetch(`${server.issuer}/token`);
    assert.ok(response.status >= 400 && response.status < 500);
  });

  it('missing parameters at the token endpoint → invalid_request', async () => {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&client_id=unknown',
    });
    assert.ok(response.status === 400 || response.status === 401);
    const body = (await response.json()) as { error: string };
    assert.ok(['invalid_request', 'invalid_client'].includes(body.error), body.error);
  });

  it('OAuth 2.1: the password grant does not exist → unsupported_grant_type', async () => {
    const client = await registerPublicClient(server.issuer);
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&username=a&password=b&client_id=${client.client_id}`,
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  it('GET /auth with no parameters → 400 page, no redirect', async () => {
    const response = await fetch(`${server.issuer}/auth`, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
  });

  it('interaction pages: unknown uid, wrong method, bad form, missing CSRF → 4xx', async () => {
    const cases: Array<[string, RequestInit]> = [
      ['/interaction/doesnotexist', {}],
      ['/interaction/doesnotexist/login', { method: 'GET' }],
      [
        '/interaction/doesnotexist/login',
        { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } },
      ],
      [
        '/interaction/doesnotexist/login',
        {
          method: 'POST',
          body: 'username=a',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      ],
      ['/interaction/../../etc/passwd', {}],
      [`/interaction/${'a'.repeat(5000)}`, {}],
    ];
    for (const [path, init] of cases) {
      const response = await fetch(`${server.issuer}${path}`, { redirect: 'manual', ...init });
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
    }
  });

  it('an unknown path → 404', async () => {
    const response = await fetch(`${server.issuer}/nope`);
    assert.equal(response.status, 404);
  });

  it('a sign-in form over 16 KiB is 413, the interaction still usable', async () => {
    const client = await registerPublicClient(server.issuer);
    const jar = new CookieJar();
    const started = await requestAuthorization(server.issuer, client.client_id);
    jar.store(started);
    const page = await (
      await fetch(new URL(started.headers.get('location') ?? '', server.issuer), {
        headers: { cookie: jar.header() },
      })
    ).text();
    const action = new URL(formAction(page, /\/login$/), server.issuer);
    const post = (body: string) =>
      fetch(action, {
        method: 'POST',
        headers: {
          cookie: jar.header(),
          origin: new URL(server.issuer).origin,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
        redirect: 'manual',
      });
    const csrf = `csrf=${encodeURIComponent(hiddenValue(page, 'csrf'))}`;
    const huge = await post(`${csrf}&username=alice&password=${'x'.repeat(17 * 1024)}`);
    assert.equal(huge.status, 413);
    await huge.body?.cancel();
    const normal = await post(`${csrf}&username=alice&password=wrong`);
    assert.equal(normal.status, 401, 'the next attempt is answered as usual');
    await normal.body?.cancel();
  });
});
