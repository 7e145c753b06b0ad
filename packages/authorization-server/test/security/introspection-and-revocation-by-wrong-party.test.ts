import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEV_INTROSPECTION_CLIENT_ID } from '@mcp-auth/shared';
import {
  authorize,
  basicAuth,
  introspect,
  redeemCode,
  refresh,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { runClientsCommand } from '../../src/commands/clients-command.ts';
import type { AuthorizationServerOptionsInput } from '../../src/index.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import {
  DEMO_RESOURCE,
  devIntrospectionAuth,
  signInNewClient,
  type TokenSet,
} from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * RFC 7662 §4 and §5: introspection tells whether a token is valid and what it allows. A
 * resource server learns that only for ACCESS tokens meant for a resource the operator bound it
 * to; refresh tokens, tokens for other resources and other clients' tokens are answered exactly
 * like an unknown token, `{"active": false}`, so the endpoint is no oracle.
 */
const OTHER_RESOURCE = 'http://localhost:8002/mcp';
const INACTIVE = { active: false };
const TWO_RESOURCES: AuthorizationServerOptionsInput['resources'] = [
  {
    uri: DEMO_RESOURCE,
    name: 'Demo',
    scopes: [
      { name: 'user', description: 'Use it' },
      { name: 'admin', description: 'Administer it' },
    ],
  },
  { uri: OTHER_RESOURCE, name: 'Other', scopes: [{ name: 'user', description: 'Use it' }] },
];

async function tokensFor(server: TestAuthorizationServer, resource: string): Promise<TokenSet> {
  if (resource === DEMO_RESOURCE) return (await signInNewClient(server)).tokens;
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
  return (await response.json()) as TokenSet;
}

async function introspection(server: TestAuthorizationServer, token: string, authorization: string) {
  const response = await introspect(server.issuer, token, authorization);
  assert.equal(response.status, 200);
  return (await response.json()) as Record<string, unknown>;
}

for (const storage of ['SQLite', 'PostgreSQL'] as const) {
  describe(`introspection by the wrong party (${storage})`, () => {
    let server: TestAuthorizationServer;
    let schema: TestSchema | undefined;
    let demoTokens: TokenSet;
    let otherTokens: TokenSet;
    let demoServer: string;
    before(async () => {
      schema = storage === 'PostgreSQL' ? freshTestSchema('mcp_auth_introspection') : undefined;
      server = await startTestServer({
        resources: TWO_RESOURCES,
        ...(schema ? { database: schema.database } : {}),
      });
      demoTokens = await tokensFor(server, DEMO_RESOURCE);
      otherTokens = await tokensFor(server, OTHER_RESOURCE);
      const rs = await server.registerClient({
        name: 'Demo RS',
        resourceServer: true,
        resources: [DEMO_RESOURCE],
      });
      demoServer = basicAuth(rs.client_id, rs.client_secret ?? '');
    });
    after(async () => {
      await server?.dispose();
      await schema?.drop();
    });

    it('a resource server sees access tokens for the resource it serves', async () => {
      const details = await introspection(server, demoTokens.access_token, demoServer);
      assert.equal(details.active, true);
      assert.equal(details.aud, DEMO_RESOURCE);
    });

    it('a resource server gets {"active": false} for a token meant for another resource', async () => {
      assert.deepEqual(await introspection(server, otherTokens.access_token, demoServer), INACTIVE);
    });

    it('a resource server gets {"active": false} for refresh tokens, even of its own resource', async () => {
      assert.deepEqual(await introspection(server, demoTokens.refresh_token, demoServer), INACTIVE);
      assert.deepEqual(await introspection(server, otherTokens.refresh_token, demoServer), INACTIVE);
    });

    it('the answers for hidden tokens are exactly the answer for an unknown token', async () => {
      assert.deepEqual(await introspection(server, 'no-such-token', demoServer), INACTIVE);
    });

    it('a client_credentials token is an access token: the resource server it is meant for sees it', async () => {
      const job = await server.registerClient({
        name: 'Job',
        grantTypes: ['client_credentials'],
        scope: 'user',
      });
      const response = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(job.client_id, job.client_secret ?? ''),
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'user',
          resource: DEMO_RESOURCE,
        }),
      });
      const { access_token } = (await response.json()) as { access_token: string };
      assert.equal((await introspection(server, access_token, demoServer)).active, true);
      // The job itself, not a resource server, sees its own token and nobody else's.
      const jobAuth = basicAuth(job.client_id, job.client_secret ?? '');
      assert.equal((await introspection(server, access_token, jobAuth)).active, true);
      assert.deepEqual(await introspection(server, demoTokens.access_token, jobAuth), INACTIVE);
    });

    it('the development credential sees access tokens of the registered resources, never refresh tokens', async () => {
      assert.equal(server.devIntrospectionCredentials?.client_id, DEV_INTROSPECTION_CLIENT_ID);
      const dev = devIntrospectionAuth(server);
      assert.equal((await introspection(server, demoTokens.access_token, dev)).active, true);
      assert.equal((await introspection(server, otherTokens.access_token, dev)).active, true);
      assert.deepEqual(await introspection(server, demoTokens.refresh_token, dev), INACTIVE);
    });

    it('a resource server cannot be registered without the resources it serves', async () => {
      await assert.rejects(
        server.registerClient({ name: 'Unbound RS', resourceServer: true }),
        (error: Error) =>
          error.message.includes('--resource') &&
          error.message.includes(DEMO_RESOURCE) &&
          error.message.includes(OTHER_RESOURCE),
      );
      await assert.rejects(
        server.registerClient({
          name: 'Wrong RS',
          resourceServer: true,
          resources: ['https://elsewhere.example/mcp'],
        }),
        /https:\/\/elsewhere\.example\/mcp.*not registered/,
      );
    });
  });
}

describe('introspection by the wrong party: mcp-auth-as clients add --resource-server', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  async function clientsCommand(args: string[]) {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: {
        write: (text: string) => {
          stdout += text;
          return true;
        },
      },
      stderr: {
        write: (text: string) => {
          stderr += text;
          return true;
        },
      },
    } as unknown as Parameters<typeof runClientsCommand>[2];
    const code = await runClientsCommand([...args, `--data-dir=${dataDir}`], {}, io);
    return { code, stdout, stderr };
  }

  it('without --resource it is a usage error that says what to add', async () => {
    await assert.rejects(
      clientsCommand(['add', '--name=RS', '--resource-server']),
      (error: Error) => error.name === 'UsageError' && /--resource URI/.test(error.message),
    );
  });

  it('--resource must be an absolute http(s) URI, and only with --resource-server', async () => {
    await assert.rejects(
      clientsCommand(['add', '--name=RS', '--resource-server', '--resource=not a uri']),
      (error: Error) => error.name === 'UsageError' && /not a uri/.test(error.message),
    );
    await assert.rejects(
      clientsCommand(['add', '--name=Job', '--resource=http://localhost:8001/mcp']),
      (error: Error) => error.name === 'UsageError' && /--resource-server/.test(error.message),
    );
  });

  it('the resource server it adds sees tokens for its resource and no other', async () => {
    const added = await clientsCommand([
      'add',
      '--name=Demo RS',
      '--resource-server',
      `--resource=${DEMO_RESOURCE}`,
    ]);
    assert.equal(added.code, 0, added.stderr);
    const clientId = /^client_id=(.+)$/m.exec(added.stdout)?.[1] ?? '';
    const secret = /^client_secret=(.+)$/m.exec(added.stdout)?.[1] ?? '';
    const server = await startTestServer({ dataDir, resources: TWO_RESOURCES });
    try {
      const demo = await tokensFor(server, DEMO_RESOURCE);
      const other = await tokensFor(server, OTHER_RESOURCE);
      const auth = basicAuth(clientId, secret);
      assert.equal((await introspection(server, demo.access_token, auth)).active, true);
      assert.deepEqual(await introspection(server, other.access_token, auth), INACTIVE);
    } finally {
      await server.dispose();
    }
  });
});

/**
 * RFC 7662 §2.1: the caller of the introspection endpoint is authenticated, and only the parties
 * the policy above names learn anything. RFC 7009 §2.1: a token is revoked only at the request of
 * the client it was issued to; another client's request is answered 200 and revokes nothing, so a
 * stolen token cannot be used to sign its owner out, nor the endpoint to probe for tokens.
 */
describe('introspection and revocation by the wrong party: clients that are not the token’s', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const revoke = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  const isActive = async (token: string) =>
    (
      (await (await introspect(server.issuer, token, devIntrospectionAuth(server))).json()) as {
        active: boolean;
      }
    ).active;

  it('RFC 7662 §2.1: an unauthenticated caller is refused with 401 invalid_client', async () => {
    const { tokens } = await signInNewClient(server);
    const response = await introspect(server.issuer, tokens.access_token);
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
  });

  it('RFC 7662 §2.1: a wrong secret for the resource server credential is refused', async () => {
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

  it('RFC 7662 §4: a public client cannot introspect another client’s token', async () => {
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

  it('a resource server registered by the operator may introspect; a plain confidential client may not', async () => {
    const { tokens } = await signInNewClient(server);
    const rs = await server.registerClient({
      name: 'My RS',
      resourceServer: true,
      resources: [DEMO_RESOURCE],
    });
    const allowed = await introspect(
      server.issuer,
      tokens.access_token,
      basicAuth(rs.client_id, rs.client_secret ?? ''),
    );
    assert.equal(((await allowed.json()) as { active: boolean }).active, true);
    const job = await server.registerClient({
      name: 'job',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    const refused = await introspect(
      server.issuer,
      tokens.access_token,
      basicAuth(job.client_id, job.client_secret ?? ''),
    );
    assert.notEqual(((await refused.json()) as { active?: boolean }).active, true);
  });

  it('RFC 7009 §2.1: another client revoking an access token gets 200 and revokes nothing', async () => {
    const owner = await signInNewClient(server);
    const stranger = await signInNewClient(server);
    const response = await revoke({ token: owner.tokens.access_token, client_id: stranger.client.client_id });
    assert.equal(response.status, 200);
    assert.equal(await isActive(owner.tokens.access_token), true);
  });

  it('RFC 7009 §2.1: another client revoking a refresh token gets 200, and the owner still refreshes', async () => {
    const owner = await signInNewClient(server);
    const stranger = await signInNewClient(server);
    const response = await revoke({
      token: owner.tokens.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: stranger.client.client_id,
    });
    assert.equal(response.status, 200);
    assert.equal(
      (await refresh(server.issuer, owner.client.client_id, owner.tokens.refresh_token)).status,
      200,
    );
  });

  it('RFC 7009 §2.1: a resource server credential cannot revoke the tokens it may introspect', async () => {
    const owner = await signInNewClient(server);
    const response = await revoke(
      { token: owner.tokens.access_token },
      { authorization: devIntrospectionAuth(server) },
    );
    assert.equal(response.status, 200);
    assert.equal(await isActive(owner.tokens.access_token), true);
  });

  it('RFC 7009 §2.1: a revocation naming no client, or an unknown one, is refused and revokes nothing', async () => {
    const owner = await signInNewClient(server);
    for (const fields of [{}, { client_id: 'no-such-client' }] as Record<string, string>[]) {
      const response = await revoke({ token: owner.tokens.access_token, ...fields });
      assert.ok([400, 401].includes(response.status), `${JSON.stringify(fields)}: ${response.status}`);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    }
    assert.equal(await isActive(owner.tokens.access_token), true);
  });
});
