import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { introspect, refresh } from '@mcp-auth/test-support/oauth-flow';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { StorageBackend } from '../../src/storage/storage-backend.ts';
import { devIntrospectionAuth, signInNewClient, type TokenSet } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

describe('refresh tokens and revocation', () => {
  let server: TestAuthorizationServer;
  let auth: string;
  before(async () => {
    server = await startTestServer();
    auth = devIntrospectionAuth(server);
  });
  after(() => server.dispose());

  const isActive = async (token: string) =>
    ((await (await introspect(server.issuer, token, auth)).json()) as { active: boolean }).active;

  it('OAuth 2.1 §4.3.1: a refresh rotates the refresh token; the new access token keeps audience and scope', async () => {
    const { client, tokens } = await signInNewClient(server);
    const response = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    const next = (await response.json()) as TokenSet;
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.notEqual(next.access_token, tokens.access_token);
    assert.equal(next.scope, 'user');
    const details = (await (await introspect(server.issuer, next.access_token, auth)).json()) as {
      aud: string;
    };
    assert.equal(details.aud, 'http://localhost:8001/mcp');
  });

  it('RFC 7009 §2.1: revoking an access token makes it inactive', async () => {
    const { client, tokens } = await signInNewClient(server);
    assert.equal(await isActive(tokens.access_token), true);
    const response = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: client.client_id }),
    });
    assert.equal(response.status, 200);
    assert.equal(await isActive(tokens.access_token), false);
  });

  it('RFC 7009 §2.1: revoking a refresh token ends refreshing', async () => {
    const { client, tokens } = await signInNewClient(server);
    const response = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.refresh_token,
        token_type_hint: 'refresh_token',
        client_id: client.client_id,
      }),
    });
    assert.equal(response.status, 200);
    const refused = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(refused.status, 400);
  });
});

describe('account reads in the refresh_token grant', () => {
  it('the account is read once per refresh, and the new access token still names it (RFC 7662 §2.2 username)', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    let reads = 0;
    const counting: StorageBackend = {
      ...backend,
      accounts: {
        ...backend.accounts,
        findById: (id) => {
          reads++;
          return backend.accounts.findById(id);
        },
      },
    };
    const server = await startTestServer({}, { backend: counting });
    try {
      const { client, tokens } = await signInNewClient(server);
      reads = 0;
      const response = await refresh(server.issuer, client.client_id, tokens.refresh_token);
      assert.equal(response.status, 200);
      assert.equal(reads, 1, 'oidc-provider checks the account, then names it in the token: one read');
      const next = (await response.json()) as TokenSet;
      const details = (await (
        await introspect(server.issuer, next.access_token, devIntrospectionAuth(server))
      ).json()) as { active: boolean; username?: string };
      assert.equal(details.active, true);
      assert.equal(details.username, 'alice');
      reads = 0;
      assert.equal((await refresh(server.issuer, client.client_id, next.refresh_token)).status, 200);
      assert.equal(reads, 1, 'the next request reads it afresh');
    } finally {
      await server.dispose();
      await backend.close();
    }
  });
});
