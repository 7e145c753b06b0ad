import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  basicAuth,
  introspect,
  type RegisteredClient,
  redeemCode,
  refresh,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { decodeJwt } from 'jose';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { StorageBackend, UpsertRecord } from '../../src/storage/storage-backend.ts';
import { devIntrospectionAuth, type TokenSet } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const JWT_RESOURCE = 'http://localhost:8002/mcp';
const LONG_JWT_RESOURCE = 'http://localhost:8003/mcp';

/**
 * RFC 9068 access tokens are verified by resource servers without asking the AS, and
 * oidc-provider refuses to introspect or revoke them (`unsupported_token_type`). A JWT access
 * token revoked at the AS (RFC 7009 §2), or issued by a grant that was revoked since, must be
 * answered inactive by introspection (RFC 7662 §2.2) from then on.
 */
describe('revoked JWT access tokens', () => {
  let server: TestAuthorizationServer;
  let backend: StorageBackend;
  const upserts: UpsertRecord[] = [];
  before(async () => {
    const sqlite = openSqliteBackend({ path: ':memory:' });
    backend = {
      ...sqlite,
      artifacts: {
        ...sqlite.artifacts,
        upsert: (record) => {
          upserts.push(record);
          return sqlite.artifacts.upsert(record);
        },
      },
    };
    server = await startTestServer(
      {
        resources: [
          {
            uri: JWT_RESOURCE,
            name: 'JWT',
            scopes: [{ name: 'user', description: 'u' }],
            tokenFormat: 'jwt',
          },
          {
            uri: LONG_JWT_RESOURCE,
            name: 'JWT, longer',
            scopes: [{ name: 'user', description: 'u' }],
            tokenFormat: 'jwt',
            accessTokenTtlSeconds: 900,
          },
        ],
      },
      { backend },
    );
  });
  after(async () => {
    await server.dispose();
    await backend.close();
  });

  async function signIn(resource = JWT_RESOURCE) {
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
    assert.equal(response.status, 200);
    const tokens = (await response.json()) as TokenSet;
    return {
      client,
      tokens,
      redeemAgain: () => redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome }),
    };
  }

  const introspection = async (token: string, authorization = devIntrospectionAuth(server)) => {
    const response = await introspect(server.issuer, token, authorization);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Record<string, unknown>;
  };
  const isActive = async (token: string) => (await introspection(token)).active === true;

  const revoke = (client: RegisteredClient, token: string, hint?: string) =>
    fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token,
        client_id: client.client_id,
        ...(hint ? { token_type_hint: hint } : {}),
      }),
    });

  it('RFC 7662 §2.2: a live JWT access token is introspected like an opaque one', async () => {
    const { client, tokens } = await signIn();
    assert.equal(tokens.access_token.split('.').length, 3, 'a JWT');
    const details = await introspection(tokens.access_token);
    assert.equal(details.active, true);
    assert.equal(details.client_id, client.client_id);
    assert.equal(details.aud, JWT_RESOURCE);
    assert.equal(details.scope, 'user');
    assert.equal(details.username, 'alice');
    assert.equal(details.token_type, 'Bearer');
    assert.equal(details.iss, server.issuer);
  });

  it('RFC 7009 §2: a JWT access token revoked by its client is inactive from then on', async () => {
    const { client, tokens } = await signIn();
    assert.equal(await isActive(tokens.access_token), true);
    const response = await revoke(client, tokens.access_token, 'access_token');
    assert.equal(response.status, 200);
    assert.equal(await isActive(tokens.access_token), false);
  });

  it('RFC 7009 §2.1: revoking a JWT access token ends its grant’s refresh token, as for an opaque one', async () => {
    const { client, tokens } = await signIn();
    assert.equal((await revoke(client, tokens.access_token)).status, 200);
    const refused = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(refused.status, 400);
  });

  it('RFC 7662 §2.2: the answer is JSON even to a caller that prefers HTML', async () => {
    const { tokens } = await signIn();
    const response = await fetch(`${server.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        authorization: devIntrospectionAuth(server),
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(response.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(((await response.json()) as { active: boolean }).active, true);
  });

  it('RFC 7009 §2.1: another client cannot revoke it (200, nothing revoked)', async () => {
    const { tokens } = await signIn();
    const other = await registerPublicClient(server.issuer);
    const response = await revoke(other, tokens.access_token);
    assert.equal(response.status, 200);
    assert.equal(await isActive(tokens.access_token), true);
  });

  it('RFC 7662 §4: JWT introspection follows the caller policy (a public client learns nothing)', async () => {
    const { client, tokens } = await signIn();
    const response = await fetch(`${server.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: client.client_id }),
    });
    assert.deepEqual(await response.json(), { active: false });
  });

  it('RFC 7662 §4: a JWT whose signature does not verify is inactive', async () => {
    const { tokens } = await signIn();
    const [header, payload, signature = ''] = tokens.access_token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal(await isActive(`${header}.${payload}.${flipped}`), false);
    assert.equal(await isActive('eyJhbGciOiJub25lIn0.e30.'), false, 'alg none');
  });

  it('OAuth 2.1 §4.3.1: refresh-token reuse revokes the grant, and its JWT access tokens with it', async () => {
    const { client, tokens } = await signIn();
    const rotated = (await (
      await refresh(server.issuer, client.client_id, tokens.refresh_token)
    ).json()) as TokenSet;
    assert.equal(await isActive(rotated.access_token), true);
    const reuse = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(await isActive(tokens.access_token), false);
    assert.equal(await isActive(rotated.access_token), false);
  });

  it('OAuth 2.1 §4.1.3: a replayed code revokes what it issued, JWT access token included', async () => {
    const { tokens, redeemAgain } = await signIn();
    assert.equal(await isActive(tokens.access_token), true);
    assert.equal((await redeemAgain()).status, 400);
    assert.equal(await isActive(tokens.access_token), false);
  });

  it('RFC 7009 §2.1: revoking the refresh token makes the grant’s JWT access tokens inactive', async () => {
    const { client, tokens } = await signIn();
    const response = await revoke(client, tokens.refresh_token, 'refresh_token');
    assert.equal(response.status, 200);
    assert.equal(await isActive(tokens.access_token), false);
  });

  it('the AS keeps only the jti’s hash, never the token, with the token’s expiry', async () => {
    upserts.length = 0;
    const { tokens } = await signIn();
    const { jti, exp } = decodeJwt(tokens.access_token);
    assert.ok(jti && exp);
    const stored = JSON.stringify(upserts);
    assert.equal(stored.includes(tokens.access_token), false, 'the JWT is never stored');
    assert.equal(stored.includes(jti), false, 'nor its jti in clear');
    assert.equal(stored.includes(tokens.access_token.split('.')[2] ?? ''), false, 'nor its signature');
    // The storage clock may have ticked into the next second since the token was signed.
    const records = upserts.filter((record) => record.expiresAt === exp || record.expiresAt === exp + 1);
    assert.equal(records.length, 1, 'one record expires with the token, so the list purges itself');
  });

  it('a JWT resource gets 5-minute access tokens unless the registry sets another lifetime', async () => {
    const { tokens } = await signIn();
    assert.equal(tokens.expires_in, 300);
    const { exp, iat } = decodeJwt(tokens.access_token);
    assert.equal(Number(exp) - Number(iat), 300);
    const longer = await signIn(LONG_JWT_RESOURCE);
    assert.equal(longer.tokens.expires_in, 900);
  });

  it('RFC 7009 §2: a client-credentials JWT access token can be revoked by its client', async () => {
    const client = await server.registerClient({
      name: 'Batch job',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    const authorization = basicAuth(client.client_id, client.client_secret ?? '');
    const issued = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: JWT_RESOURCE, scope: 'user' }),
    });
    assert.equal(issued.status, 200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    assert.equal(token.split('.').length, 3);
    assert.equal(await isActive(token), true);
    const response = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams({ token }),
    });
    assert.equal(response.status, 200);
    assert.equal(await isActive(token), false);
  });
});
