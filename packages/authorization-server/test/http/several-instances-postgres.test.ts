import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basicAuth, introspect, refresh } from '@mcp-auth/test-support/oauth-flow';
import { testDatabaseUrl } from '@mcp-auth/test-support/postgres';
import pg from 'pg';
import { signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

const DATABASE_URL = await testDatabaseUrl();

/**
 * Two AS instances on one PostgreSQL database (the deployment of the README's "Beyond one
 * machine"): they share keys, accounts, clients and tokens, so any instance serves any request.
 */
describe('several AS instances on one PostgreSQL database', () => {
  const schema = `mcp_auth_instances_${process.pid}_${randomBytes(4).toString('hex')}`;
  let first: TestAuthorizationServer;
  let second: TestAuthorizationServer;
  const dirs: string[] = [];

  before(async () => {
    for (let index = 0; index < 2; index++) dirs.push(await mkdtemp(join(tmpdir(), 'mcp-auth-pg-instance-')));
    // Behind a load balancer both would share one public issuer; here each keeps its own
    // address, which is enough to show that they share keys, clients, accounts and tokens.
    const options = (dataDir: string) => ({ dataDir, database: { url: DATABASE_URL, schema } });
    [first, second] = await Promise.all([
      startTestServer(options(dirs[0] ?? '')),
      startTestServer(options(dirs[1] ?? '')),
    ]);
  });
  after(async () => {
    await first?.dispose();
    await second?.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('both instances publish the same signing keys', async () => {
    const keys = async (server: TestAuthorizationServer) => (await fetch(`${server.issuer}/jwks`)).json();
    assert.deepEqual(await keys(first), await keys(second));
  });

  it('a client registered and signed in at one instance is refreshed and introspected at the other', async () => {
    const { client, tokens } = await signInNewClient(first);
    const refreshed = await refresh(second.issuer, client.client_id, tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    const next = (await refreshed.json()) as { access_token: string };
    // A resource server registered once (in the shared database) can introspect at any instance.
    const rs = await second.registerClient({
      name: 'Shared RS',
      resourceServer: true,
      resources: ['http://localhost:8001/mcp'],
    });
    const details = (await (
      await introspect(first.issuer, next.access_token, basicAuth(rs.client_id, rs.client_secret ?? ''))
    ).json()) as { active: boolean };
    assert.equal(details.active, true);
    // Reuse detection crosses instances: the first refresh token is spent everywhere.
    const reuse = await refresh(first.issuer, client.client_id, tokens.refresh_token);
    assert.equal(reuse.status, 400);
  });
});

describe('rate limits shared through PostgreSQL', () => {
  it('two instances count dynamic registrations from one address together', async () => {
    const schema = `mcp_auth_limits_${process.pid}_${randomBytes(4).toString('hex')}`;
    const dirs = [
      await mkdtemp(join(tmpdir(), 'mcp-auth-limit-')),
      await mkdtemp(join(tmpdir(), 'mcp-auth-limit-')),
    ];
    const options = (dataDir: string) => ({
      dataDir,
      database: { url: DATABASE_URL, schema },
      rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 },
    });
    const [a, b] = await Promise.all([
      startTestServer(options(dirs[0] ?? '')),
      startTestServer(options(dirs[1] ?? '')),
    ]);
    try {
      const register = (server: TestAuthorizationServer) =>
        fetch(`${server.issuer}/reg`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            redirect_uris: ['http://127.0.0.1/cb'],
            token_endpoint_auth_method: 'none',
          }),
        });
      const statuses = [];
      for (const server of [a, b, a, b]) statuses.push((await register(server ?? a)).status);
      assert.deepEqual(
        statuses,
        [201, 201, 201, 429],
        'the fourth registration is refused, whichever instance gets it',
      );
    } finally {
      await a?.dispose();
      await b?.dispose();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
