import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { introspect, refresh } from '@mcp-auth/test-support/oauth-flow';
import {
  DEMO_RESOURCE,
  devIntrospectionAuth,
  signInNewClient,
  type TokenSet,
} from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

const OTHER_RESOURCE = 'http://localhost:8002/mcp';

/**
 * A refresh request the AS refuses must leave the refresh token as it was (OAuth 2.1 §4.3: the
 * token is rotated only when a new one is issued). If a refusal spent it, the client's natural
 * retry would be a reuse, and reuse detection (OAuth 2.1 §4.3.1) revokes the whole grant: any
 * bad parameter would log the person out.
 */
describe('refresh escalation: a refused refresh request does not spend the refresh token', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      resources: [
        {
          uri: DEMO_RESOURCE,
          name: 'Demo',
          scopes: [
            { name: 'user', description: 'u' },
            { name: 'admin', description: 'a' },
          ],
        },
        { uri: OTHER_RESOURCE, name: 'Other', scopes: [{ name: 'user', description: 'u' }] },
      ],
    });
  });
  after(() => server.dispose());

  const refreshWith = (clientId: string, refreshToken: string, extra: Record<string, string | string[]>) => {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: refreshToken,
    });
    for (const [name, value] of Object.entries(extra)) {
      for (const item of [value].flat()) body.append(name, item);
    }
    return fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  };

  /** The refused request, then the same client's plain retry: it must succeed. */
  async function assertRefusedThenUsable(extra: Record<string, string | string[]>, expectedError: string) {
    const { client, tokens } = await signInNewClient(server);
    const refused = await refreshWith(client.client_id, tokens.refresh_token, extra);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, expectedError);

    const retry = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(retry.status, 200, `the retry was refused: ${await retry.clone().text()}`);
    const next = (await retry.json()) as TokenSet;
    const details = (await (
      await introspect(server.issuer, next.access_token, devIntrospectionAuth(server))
    ).json()) as {
      active: boolean;
      aud: string;
    };
    assert.equal(details.active, true, 'the grant was not revoked');
    assert.equal(details.aud, DEMO_RESOURCE);
  }

  it('RFC 8707 §2: a resource that is registered but not in the grant is invalid_target, token kept', async () => {
    await assertRefusedThenUsable({ resource: OTHER_RESOURCE }, 'invalid_target');
  });

  it('RFC 8707 §2: an unknown resource is invalid_target, token kept', async () => {
    await assertRefusedThenUsable({ resource: 'https://unknown.example/mcp' }, 'invalid_target');
  });

  it('RFC 8707 §2: a resource that is not an absolute URI is invalid_target, token kept', async () => {
    await assertRefusedThenUsable({ resource: 'not a uri' }, 'invalid_target');
  });

  it('RFC 8707 §2: two resources in one token request are invalid_target, token kept', async () => {
    await assertRefusedThenUsable({ resource: [DEMO_RESOURCE, OTHER_RESOURCE] }, 'invalid_target');
  });

  it('RFC 6749 §6: a scope wider than the grant is invalid_scope, token kept', async () => {
    await assertRefusedThenUsable({ scope: 'user admin' }, 'invalid_scope');
  });

  it('RFC 6749 §6: a refresh token presented by another client is invalid_grant and stays its owner’s', async () => {
    const owner = await signInNewClient(server);
    const thief = await signInNewClient(server);
    const refused = await refresh(server.issuer, thief.client.client_id, owner.tokens.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
    const retry = await refresh(server.issuer, owner.client.client_id, owner.tokens.refresh_token);
    assert.equal(retry.status, 200);
  });

  it('RFC 8707 §2: a granted resource removed from the registry since is invalid_target every time, never reuse', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-refresh-registry-'));
    const demo = { uri: DEMO_RESOURCE, name: 'Demo', scopes: [{ name: 'user', description: 'u' }] };
    const other = { uri: OTHER_RESOURCE, name: 'Other', scopes: [{ name: 'user', description: 'u' }] };
    try {
      const before = await startTestServer({ dataDir, resources: [demo, other] });
      let session: Awaited<ReturnType<typeof signInNewClient>>;
      try {
        session = await signInNewClient(before);
      } finally {
        await before.dispose();
      }
      const after = await startTestServer({ dataDir, resources: [other] });
      try {
        for (const attempt of ['first', 'retry']) {
          const refused = await refresh(after.issuer, session.client.client_id, session.tokens.refresh_token);
          assert.equal(refused.status, 400);
          assert.equal(((await refused.json()) as { error: string }).error, 'invalid_target', attempt);
        }
      } finally {
        await after.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a valid narrower request (granted resource, granted scope) still rotates the token', async () => {
    const { client, tokens } = await signInNewClient(server);
    const narrowed = await refreshWith(client.client_id, tokens.refresh_token, {
      resource: DEMO_RESOURCE,
      scope: 'user',
    });
    assert.equal(narrowed.status, 200);
    const replay = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(replay.status, 400, 'the spent token is refused: rotation still happens');
  });
});

/**
 * OAuth 2.1 §4.3.1: a refresh token is rotated on every use, and the AS cannot tell the client
 * from a thief who copied the token; when a rotated one comes back, one of them is an attacker,
 * so the whole grant is revoked and both must sign in again.
 */
describe('refresh reuse: a rotated refresh token presented again', () => {
  let server: TestAuthorizationServer;
  let auth: string;
  before(async () => {
    server = await startTestServer();
    auth = devIntrospectionAuth(server);
  });
  after(() => server.dispose());

  const isActive = async (token: string) =>
    ((await (await introspect(server.issuer, token, auth)).json()) as { active: boolean }).active;

  it('OAuth 2.1 §4.3.1: reusing a rotated refresh token is refused and revokes the whole grant', async () => {
    const { client, tokens } = await signInNewClient(server);
    const rotated = (await (
      await refresh(server.issuer, client.client_id, tokens.refresh_token)
    ).json()) as TokenSet;
    const reuse = await refresh(server.issuer, client.client_id, tokens.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(((await reuse.json()) as { error: string }).error, 'invalid_grant');
    // Reuse detection (OAuth 2.1 §4.3.1): the legitimate holder's tokens die with the thief's.
    const afterReuse = await refresh(server.issuer, client.client_id, rotated.refresh_token);
    assert.equal(afterReuse.status, 400);
    assert.equal(await isActive(rotated.access_token), false);
  });

  it('OAuth 2.1 §4.3.1: two refreshes of one token at the same moment: one is answered, the grant survives no reuse', async () => {
    const { client, tokens } = await signInNewClient(server);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => refresh(server.issuer, client.client_id, tokens.refresh_token)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [200, 400, 400, 400]);
    const winner = answers.find((answer) => answer.status === 200);
    const issued = (await winner?.json()) as TokenSet;
    // The losers were reuses of a spent token: the grant, the winner's tokens included, is revoked.
    assert.equal(await isActive(issued.access_token), false);
    assert.equal((await refresh(server.issuer, client.client_id, issued.refresh_token)).status, 400);
  });
});
