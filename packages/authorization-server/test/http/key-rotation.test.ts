import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '@mcp-auth/test-support/free-port';
import { basicAuth, introspect } from '@mcp-auth/test-support/oauth-flow';
import { decodeProtectedHeader } from 'jose';
import { type RunningResourceServer, startResourceServer } from '../../../resource-server/src/index.ts';
import { silentLogger } from '../../src/index.ts';
import { jsonOf, runOperatorCommand } from '../support/operator-cli.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

/** The JWT access token lifetime of the resource; ID tokens live an hour: the longer one sets the window. */
const ACCESS_TOKEN_TTL = 600;
const KEY_WINDOW_SECONDS = 3600 + 60;
/** A sign-in session cookie lives 14 days: its old key is accepted that long. */
const COOKIE_WINDOW_SECONDS = 14 * 24 * 3600 + 60;

/** Waits for a condition an AS instance reaches on its own (its 50 ms key refresh), at most 10 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await delay(50);
  }
  assert.fail(`never happened: ${what}`);
}

const backends = [
  { name: 'SQLite (secrets.json)', postgres: false },
  { name: 'PostgreSQL (server_secrets)', postgres: true },
] as const;

for (const backend of backends) {
  describe(`keys rotate on ${backend.name}: two AS instances and a JWT-verifying RS follow without a restart`, () => {
    let dataDir: string;
    let schema: TestSchema | undefined;
    let first: TestAuthorizationServer;
    let second: TestAuthorizationServer;
    let rs: RunningResourceServer;
    let resourceUrl: string;
    let machine: string;
    let resourceServer: string;
    /** How far the AS instances' clock is ahead of real time (key activation and retirement follow it). */
    let asOffsetMs = 0;

    const storage = () => [
      `--data-dir=${dataDir}`,
      ...(schema ? [`--database-url=${schema.database.url}`, `--database-schema=${schema.name}`] : []),
    ];
    /** A client_credentials JWT (RFC 9068) from one instance; its header names the signing key. */
    const tokenFrom = async (server: TestAuthorizationServer) => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: machine },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'user', resource: resourceUrl }),
      });
      const body = (await response.json()) as { access_token: string };
      assert.equal(response.status, 200, JSON.stringify(body));
      return { token: body.access_token, kid: decodeProtectedHeader(body.access_token).kid ?? '' };
    };
    const publishedKids = async (server: TestAuthorizationServer) =>
      ((await (await fetch(`${server.url}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map(
        (key) => key.kid,
      );
    const rsAccepts = async (token: string) => {
      const response = await fetch(rs.resourceUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(INITIALIZE),
      });
      await response.arrayBuffer();
      return response.status === 200;
    };
    const activeAt = async (server: TestAuthorizationServer, token: string) =>
      ((await (await introspect(server.url, token, resourceServer)).json()) as { active: boolean }).active;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-rotation-'));
      schema = backend.postgres ? freshTestSchema('key_rotation') : undefined;
      const rsPort = await freePort();
      const asPort = await freePort();
      resourceUrl = `http://localhost:${rsPort}/mcp`;
      const options = {
        dataDir,
        ...(schema ? { database: schema.database } : {}),
        // One issuer for both instances, as behind a load balancer.
        issuer: `http://localhost:${asPort}`,
        resources: [
          {
            uri: resourceUrl,
            name: 'RS',
            scopes: [{ name: 'user', description: 'u' }],
            tokenFormat: 'jwt' as const,
            accessTokenTtlSeconds: ACCESS_TOKEN_TTL,
          },
        ],
      };
      const overrides = { clock: () => Date.now() + asOffsetMs, keyRefreshIntervalMs: 50 };
      first = await startTestServer({ ...options, port: asPort }, overrides);
      second = await startTestServer(options, overrides);
      const job = await first.registerClient({
        name: 'Job',
        grantTypes: ['client_credentials'],
        scope: 'user',
      });
      machine = basicAuth(job.client_id, job.client_secret ?? '');
      const verifier = await first.registerClient({
        name: 'RS',
        resourceServer: true,
        resources: [resourceUrl],
      });
      resourceServer = basicAuth(verifier.client_id, verifier.client_secret ?? '');
      rs = await startResourceServer(
        { port: rsPort, authServer: first.issuer, tokenVerification: 'jwt' },
        // No cooldown between JWKS fetches here, so the test need not wait the real 30 s; the
        // 60-second activation delay is what covers that cooldown in production.
        { logger: silentLogger, jwksRefetchCooldownMs: 0 },
      );
    });
    after(async () => {
      await rs?.close();
      await second?.close();
      await first?.close();
      await schema?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('new keys are published at once by every instance, sign only after the activation delay, and the old key stays until its tokens expired', async () => {
      const old = await tokenFrom(first);
      assert.equal(await rsAccepts(old.token), true, 'the RS accepts a token of the first key');

      const rotated = jsonOf<{ kids: string[] }>(
        await runOperatorCommand(['keys', 'rotate', '--json', ...storage()]),
      );
      const [newKid] = rotated.kids;
      assert.ok(newKid);
      await first.refreshKeys();
      assert.ok(
        (await publishedKids(first)).includes(newKid),
        'published by the instance that re-read its keys',
      );
      await eventually('the second instance publishes the new key on its own', async () =>
        (await publishedKids(second)).includes(newKid),
      );
      assert.equal(
        (await tokenFrom(first)).kid,
        old.kid,
        'not signing yet: every instance must know it first',
      );
      assert.equal((await tokenFrom(second)).kid, old.kid);

      asOffsetMs += 61_000;
      await first.refreshKeys();
      const fresh = await tokenFrom(first);
      assert.equal(fresh.kid, newKid, 'after the activation delay the new key signs');
      await eventually(
        'the second instance signs with the new key on its own',
        async () => (await tokenFrom(second)).kid === newKid,
      );
      assert.equal(await rsAccepts(fresh.token), true, 'the RS fetches the JWKS again for the unknown kid');
      assert.equal(await rsAccepts(old.token), true, 'a token of the old key is still accepted');
      assert.ok((await publishedKids(first)).includes(old.kid), 'the old key stays published');
      assert.equal(await activeAt(first, old.token), true, 'and the AS still introspects its tokens');
      assert.equal(await activeAt(second, fresh.token), true);

      asOffsetMs += KEY_WINDOW_SECONDS * 1000;
      await first.refreshKeys();
      assert.ok(!(await publishedKids(first)).includes(old.kid), 'gone once nothing it signed can be valid');
      await eventually(
        'the second instance drops it too',
        async () => !(await publishedKids(second)).includes(old.kid),
      );
      assert.equal(await activeAt(first, old.token), false, 'a token of a removed key no longer verifies');
      const storedKids = async () =>
        jsonOf<Array<{ kid: string }>>(
          await runOperatorCommand(['keys', 'list', '--json', ...storage()]),
        ).map((key) => key.kid);
      assert.ok((await storedKids()).includes(old.kid), 'kept while its cookie key may still sign a session');

      asOffsetMs += COOKIE_WINDOW_SECONDS * 1000;
      await first.refreshKeys();
      assert.deepEqual(
        await storedKids(),
        rotated.kids,
        'then the stored secrets hold the new generation only',
      );
    });
  });
}
