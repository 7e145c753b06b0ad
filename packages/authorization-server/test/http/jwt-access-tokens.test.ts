import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const OPAQUE_RESOURCE = 'http://localhost:8001/mcp';
const JWT_RESOURCE = 'http://localhost:8002/mcp';

describe('per-resource token format', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      resources: [
        { uri: OPAQUE_RESOURCE, name: 'Opaque', scopes: [{ name: 'user', description: 'u' }] },
        { uri: JWT_RESOURCE, name: 'JWT', scopes: [{ name: 'user', description: 'u' }], tokenFormat: 'jwt' },
      ],
    });
  });
  after(() => server.dispose());

  async function tokenFor(resource: string): Promise<string> {
    const client = await registerPublicClient(server.issuer);
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('RFC 9068: a JWT resource gets an at+jwt signed with the published keys, audience bound', async () => {
    const token = await tokenFor(JWT_RESOURCE);
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: server.issuer,
      audience: JWT_RESOURCE,
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.scope, 'user');
    assert.equal(typeof payload.sub, 'string');
    assert.equal(typeof payload.client_id, 'string');
    assert.ok(Number(payload.exp) - Number(payload.iat) <= 3600);
  });

  it('an opaque resource gets an opaque token; with two resources, resource is required', async () => {
    const token = await tokenFor(OPAQUE_RESOURCE);
    assert.equal(token.split('.').length, 1, 'not a JWT');
    const client = await registerPublicClient(server.issuer);
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3030/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      scope: 'user',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_target');
  });
});
