import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

describe('discovery and dynamic registration', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    it(`SPEC AS.2: ${path} is served with the exact issuer`, async () => {
      const response = await fetch(`${server.issuer}${path}`);
      assert.equal(response.status, 200);
      const metadata = (await response.json()) as Record<string, unknown>;
      assert.equal(metadata.issuer, server.issuer);
      // SPEC AS.1: S256 is always published, and only S256.
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      // SPEC AS.3 / RFC 9207 §3.
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      // SPEC AS.4: CIMD and DCR are both advertised.
      assert.equal(metadata.client_id_metadata_document_supported, true);
      assert.equal(metadata.registration_endpoint, `${server.issuer}/reg`);
      // SPEC AS.8.
      assert.equal(metadata.introspection_endpoint, `${server.issuer}/token/introspection`);
      assert.equal(metadata.revocation_endpoint, `${server.issuer}/token/revocation`);
      const scopes = metadata.scopes_supported as string[];
      for (const scope of ['user', 'admin', 'offline_access']) assert.ok(scopes.includes(scope), scope);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.ok(!(metadata.token_endpoint_auth_methods_supported as string[]).includes('client_secret_jwt'));
    });
  }

  it('publishes a JWKS with only public EC/OKP keys', async () => {
    const response = await fetch(`${server.issuer}/jwks`);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    assert.ok(keys.length >= 1);
    for (const key of keys) {
      assert.ok(key.kty === 'EC' || key.kty === 'OKP');
      assert.equal(key.d, undefined, 'no private part is published');
    }
  });

  it('SPEC AS.4: registers a native public client (RFC 7591) and returns its metadata', async () => {
    const client = await registerPublicClient(server.issuer);
    assert.match(client.client_id, /\S{10,}/);
    assert.equal(client.client_secret, undefined);
    assert.equal(client.token_endpoint_auth_method, 'none');
    assert.deepEqual(client.redirect_uris, ['http://127.0.0.1:3030/callback']);
  });

  it('SPEC AS.4: dynamic registration cannot claim the client credentials grant or privileges', async () => {
    for (const metadata of [
      {
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [],
      },
      { mcp_resource_server: true },
      { mcp_preregistered: true },
    ]) {
      const response = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'x', redirect_uris: ['http://127.0.0.1/cb'], ...metadata }),
      });
      assert.equal(response.status, 400, JSON.stringify(metadata));
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client_metadata');
    }
  });

  it('SPEC AS.5: refuses a native client with an http redirect URI that is not loopback', async () => {
    const response = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        application_type: 'native',
        redirect_uris: ['http://evil.example/callback'],
        token_endpoint_auth_method: 'none',
      }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_redirect_uri');
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${server.issuer}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });
});

describe('registration rate limit', () => {
  it('DCR is rate-limited per IP address with 429 and Retry-After', async () => {
    const server = await startTestServer({
      rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 },
    });
    try {
      for (let attempt = 0; attempt < 3; attempt++) await registerPublicClient(server.issuer);
      const response = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'] }),
      });
      assert.equal(response.status, 429);
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
      assert.equal(((await response.json()) as { error: string }).error, 'too_many_requests');
    } finally {
      await server.dispose();
    }
  });
});

describe('self-registered scope', () => {
  it('MCP step-up: a registered scope does not bind a dynamically registered client', async () => {
    const server = await startTestServer();
    try {
      const client = await registerPublicClient(server.issuer, { scope: 'user' });
      assert.equal(client.scope, undefined, 'the AS does not keep a self-declared scope');
      const { authorize } = await import('@mcp-auth/test-support/oauth-flow');
      const { TEST_USER } = await import('../support/test-server.ts');
      const outcome = await authorize(server.issuer, {
        clientId: client.client_id,
        scope: 'user admin',
        resource: 'http://localhost:8001/mcp',
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
      assert.ok(outcome.redirect.searchParams.get('code'), outcome.redirect.href);
    } finally {
      await server.dispose();
    }
  });
});

describe('endpoint URLs come from the issuer, never from the request', () => {
  it('a forged Host or X-Forwarded-Host does not change the metadata', async () => {
    const server = await startTestServer({ trustProxy: true });
    try {
      const { request } = await import('node:http');
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${server.url}/.well-known/oauth-authorization-server`,
          { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } },
          (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      const metadata = JSON.parse(body) as { token_endpoint: string; issuer: string };
      assert.equal(metadata.issuer, server.issuer);
      assert.equal(new URL(metadata.token_endpoint).host, new URL(server.issuer).host);
    } finally {
      await server.dispose();
    }
  });
});
