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
    it(`RFC 8414 §3.3: ${path} is served with the exact issuer`, async () => {
      const response = await fetch(`${server.issuer}${path}`);
      assert.equal(response.status, 200);
      const metadata = (await response.json()) as Record<string, unknown>;
      assert.equal(metadata.issuer, server.issuer);
      // MCP Security Considerations §Authorization Code Protection, RFC 7636 §4.2: S256 is always published, and only S256.
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      // RFC 9207 §3.
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      // MCP Client Registration: CIMD (§Advertising CIMD Support) and DCR (RFC 8414 §2) are both advertised.
      assert.equal(metadata.client_id_metadata_document_supported, true);
      assert.equal(metadata.registration_endpoint, `${server.issuer}/reg`);
      // RFC 8414 §2: the introspection and revocation endpoints.
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

  it('RFC 7591 §3.2.1: registers a native public client and returns its metadata', async () => {
    const client = await registerPublicClient(server.issuer);
    assert.match(client.client_id, /\S{10,}/);
    assert.equal(client.client_secret, undefined);
    assert.equal(client.token_endpoint_auth_method, 'none');
    assert.deepEqual(client.redirect_uris, ['http://127.0.0.1:3030/callback']);
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${server.issuer}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
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
