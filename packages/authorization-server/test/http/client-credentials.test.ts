import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { basicAuth, introspect } from '@mcp-auth/test-support/oauth-flow';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DEMO_RESOURCE, devIntrospectionAuth } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

describe('client credentials grant for pre-registered confidential clients', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const requestToken = (headers: Record<string, string>, fields: Record<string, string>) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: DEMO_RESOURCE, ...fields }),
    });

  it('MCP client-credentials extension: client_secret_basic gets a token bound to the resource', async () => {
    const client = await server.registerClient({
      name: 'Batch job',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    assert.ok(client.client_secret);
    const response = await requestToken(
      { authorization: basicAuth(client.client_id, client.client_secret) },
      {
        scope: 'user',
      },
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    const tokens = (await response.json()) as { access_token: string; scope: string; refresh_token?: string };
    assert.equal(tokens.scope, 'user');
    assert.equal(tokens.refresh_token, undefined);
    const details = (await (
      await introspect(server.issuer, tokens.access_token, devIntrospectionAuth(server))
    ).json()) as {
      aud: string;
      active: boolean;
    };
    assert.equal(details.active, true);
    assert.equal(details.aud, DEMO_RESOURCE);
  });

  it('a wrong client secret is refused with invalid_client', async () => {
    const client = await server.registerClient({
      name: 'x',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    const response = await requestToken(
      { authorization: basicAuth(client.client_id, 'wrong') },
      { scope: 'user' },
    );
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  it('a scope beyond the client’s registered scope is refused', async () => {
    const client = await server.registerClient({
      name: 'x',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    const response = await requestToken(
      { authorization: basicAuth(client.client_id, client.client_secret ?? '') },
      {
        scope: 'admin',
      },
    );
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_scope');
  });

  it('MCP client-credentials extension: private_key_jwt (RFC 7523) gets a token', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const client = await server.registerClient({
      name: 'Signed job',
      grantTypes: ['client_credentials'],
      scope: 'user',
      authMethod: 'private_key_jwt',
      jwks: { keys: [jwk] },
    });
    assert.equal(client.client_secret, undefined);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(client.client_id)
      .setSubject(client.client_id)
      .setAudience(server.issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const response = await requestToken(
      {},
      {
        scope: 'user',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      },
    );
    assert.equal(response.status, 200, await response.clone().text());
  });
});
