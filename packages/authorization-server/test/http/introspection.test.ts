import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { introspect } from '@mcp-auth/test-support/oauth-flow';
import { devIntrospectionAuth, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

describe('token introspection (RFC 7662)', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('RFC 7662 §2.2: the resource server credential sees subject, audience, scope and expiry', async () => {
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
