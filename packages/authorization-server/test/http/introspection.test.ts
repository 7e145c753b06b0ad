import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basicAuth, introspect } from '@mcp-auth/test-support/oauth-flow';
import { devIntrospectionAuth, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

describe('token introspection (RFC 7662)', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('SPEC AS.8: an unauthenticated caller is refused with 401 invalid_client', async () => {
    const { tokens } = await signInNewClient(server);
    const response = await introspect(server.issuer, tokens.access_token);
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  it('SPEC AS.8: a wrong secret for the resource server credential is refused', async () => {
    const { tokens } = await signInNewClient(server);
    const credentials = server.devIntrospectionCredentials;
    assert.ok(credentials);
    const response = await introspect(
      server.issuer,
      tokens.access_token,
      basicAuth(credentials.client_id, 'nope'),
    );
    assert.equal(response.status, 401);
  });

  it('SPEC AS.8: a public client cannot introspect another client’s token', async () => {
    const first = await signInNewClient(server);
    const second = await signInNewClient(server);
    const response = await fetch(`${server.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first.tokens.access_token, client_id: second.client.client_id }),
    });
    const body = (await response.json()) as { active?: boolean; error?: string };
    assert.notEqual(body.active, true);
  });

  it('SPEC AS.8: the resource server credential sees subject, audience, scope and expiry', async () => {
    const { tokens } = await signInNewClient(server);
    const response = await introspect(server.issuer, tokens.access_token, devIntrospectionAuth(server));
    assert.equal(response.status, 200);
    const details = (await response.json()) as Record<string, unknown>;
    assert.equal(details.active, true);
    assert.equal(details.token_type, 'Bearer');
    assert.equal(typeof details.sub, 'string');
    assert.equal(details.username, 'alice', 'RFC 7662 §2.2 username');
    assert.ok(Number(details.exp) > Date.now() / 1000);
  });

  it('an unknown token is inactive, not an error', async () => {
    const response = await introspect(server.issuer, 'not-a-token', devIntrospectionAuth(server));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { active: false });
  });
});
