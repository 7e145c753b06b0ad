import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/** Where a browser-based MCP client (the MCP Inspector, a web app) runs: not the AS's origin. */
const PAGE_ORIGIN = 'https://inspector.example';
const OTHER_ORIGIN = 'https://evil.example';

function preflight(url: string, method: string, headers: string, origin = PAGE_ORIGIN): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      ...(headers ? { 'access-control-request-headers': headers } : {}),
    },
  });
}

function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

/**
 * Fetch standard (CORS): every endpoint a browser-based MCP client calls answers its preflight
 * and lets it read the answer; introspection and the interactive pages never do.
 */
describe('cross-origin requests (CORS) at the authorization server', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('CORS: a preflight from another origin is answered at the metadata, registration, token, revocation and JWKS endpoints, in every spelling the endpoint has', async () => {
    const cases: Array<[string, string, string]> = [
      ['/.well-known/oauth-authorization-server', 'GET', 'mcp-protocol-version'],
      ['/.well-known/openid-configuration', 'GET', 'mcp-protocol-version'],
      ['/jwks', 'GET', ''],
      ['/reg', 'POST', 'content-type'],
      ['/REG', 'POST', 'content-type'],
      ['/reg/', 'POST', 'content-type'],
      ['/token', 'POST', 'content-type'],
      ['/Token/', 'POST', 'authorization,content-type,dpop'],
      ['/token/revocation', 'POST', 'content-type'],
    ];
    for (const [path, method, headers] of cases) {
      const response = await preflight(`${server.url}${path}`, method, headers);
      assert.equal(response.status, 204, path);
      const cors = corsHeaders(response);
      assert.ok(
        cors['access-control-allow-origin'] === '*' || cors['access-control-allow-origin'] === PAGE_ORIGIN,
        `${path}: ${JSON.stringify(cors)}`,
      );
      assert.match(cors['access-control-allow-methods'] ?? '', new RegExp(method), path);
      for (const header of headers.split(',').filter(Boolean)) {
        assert.match(
          cors['access-control-allow-headers'] ?? '',
          new RegExp(header, 'i'),
          `${path}: ${header}`,
        );
      }
    }
  });

  it('CORS: a page on another origin can read the metadata and JWKS', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/jwks',
    ]) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: PAGE_ORIGIN } });
      assert.equal(response.status, 200, path);
      assert.ok(response.headers.get('access-control-allow-origin'), path);
    }
  });

  it('CORS: RFC 7591 registration from another origin is readable, and so is its refusal', async () => {
    const register = (metadata: Record<string, unknown>) =>
      fetch(`${server.url}/reg`, {
        method: 'POST',
        headers: { origin: PAGE_ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [`${PAGE_ORIGIN}/oauth/callback`],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          ...metadata,
        }),
      });
    const created = await register({});
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('access-control-allow-origin'), '*');
    const refused = await register({ redirect_uris: ['http://evil.example/callback'] });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('access-control-allow-origin'), '*');
  });

  it("CORS: the token endpoint's answer is readable by the public client's own origin only", async () => {
    const client = await registerPublicClient(server.url, {
      application_type: 'web',
      redirect_uris: [`${PAGE_ORIGIN}/oauth/callback`],
    });
    const exchange = (origin: string) =>
      fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: client.client_id,
          code: 'no-such-code',
          code_verifier: 'v'.repeat(43),
          redirect_uri: `${PAGE_ORIGIN}/oauth/callback`,
        }),
      });
    const own = await exchange(PAGE_ORIGIN);
    assert.equal(((await own.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(own.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
    const other = await exchange(OTHER_ORIGIN);
    assert.equal(other.status, 400);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('CORS: introspection is for resource servers: no preflight, and a request from a page is refused unreadable', async () => {
    const response = await preflight(
      `${server.url}/token/introspection`,
      'POST',
      'authorization,content-type',
    );
    assert.equal(response.status, 403);
    assert.deepEqual(corsHeaders(response), {});
    assert.match(
      ((await response.json()) as { error_description: string }).error_description,
      /resource servers/,
    );
    const credentials = server.devIntrospectionCredentials;
    assert.ok(credentials);
    const fromPage = await fetch(`${server.url}/token/introspection`, {
      method: 'POST',
      headers: {
        origin: PAGE_ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(credentials.client_id, credentials.client_secret),
      },
      body: new URLSearchParams({ token: 'anything' }),
    });
    assert.equal(fromPage.headers.get('access-control-allow-origin'), null);
    assert.notEqual(fromPage.status, 200);
  });

  it('CORS: the authorization endpoint and the sign-in and consent pages never answer CORS', async () => {
    for (const path of ['/auth', '/interaction/some-id', '/interaction/some-id/login', '/healthz']) {
      const pre = await preflight(`${server.url}${path}`, 'GET', '');
      assert.equal(pre.headers.get('access-control-allow-origin'), null, path);
      const get = await fetch(`${server.url}${path}`, {
        headers: { origin: PAGE_ORIGIN },
        redirect: 'manual',
      });
      assert.equal(get.headers.get('access-control-allow-origin'), null, path);
    }
  });
});
