import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MCP_URL } from '@mcp-auth/shared';
import {
  authorize,
  basicAuth,
  introspect,
  redeemCode,
  refresh,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { jsonOf, runOperatorCommand } from '../support/operator-cli.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import { SIGNED_IN, SignInForm } from '../support/sign-in-form.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

interface ClientJson {
  clientId: string;
  name: string | null;
  registration: string;
  resourceServerFor: string[] | null;
  clientCredentialsScopes: string[] | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
}
interface GrantJson {
  grantId: string;
  username: string | null;
  clientId: string | null;
  resources: Record<string, string[]>;
}
interface UserJson {
  username: string;
  lastSignInAt: string | null;
  locked: boolean;
}

/** A person signs in with a new dynamic client: its tokens, and the grant behind them. */
async function signIn(issuer: string) {
  const client = await registerPublicClient(issuer);
  const outcome = await authorize(issuer, {
    clientId: client.client_id,
    scope: 'user',
    resource: DEFAULT_MCP_URL,
    username: TEST_USER.username,
    password: TEST_USER.password,
  });
  const code = outcome.redirect.searchParams.get('code') ?? '';
  const response = await redeemCode(issuer, { clientId: client.client_id, code, ...outcome });
  assert.equal(response.status, 200);
  const tokens = (await response.json()) as { access_token: string; refresh_token: string };
  return { clientId: client.client_id, ...tokens };
}

const backends = [
  { name: 'SQLite', postgres: false },
  { name: 'PostgreSQL', postgres: true },
] as const;

for (const backend of backends) {
  describe(`operator commands on ${backend.name}`, () => {
    let dataDir: string;
    let schema: TestSchema | undefined;
    let server: TestAuthorizationServer;
    let storage: string[];
    let rsAuthorization: string;

    const run = (...argv: string[]) => runOperatorCommand([...argv, ...storage]);
    const isActive = async (token: string) =>
      ((await (await introspect(server.issuer, token, rsAuthorization)).json()) as { active: boolean })
        .active;

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-operator-'));
      schema = backend.postgres ? freshTestSchema('operator_cli') : undefined;
      storage = [
        `--data-dir=${dataDir}`,
        ...(schema ? [`--database-url=${schema.database.url}`, `--database-schema=${schema.name}`] : []),
      ];
      server = await startTestServer({ dataDir, ...(schema ? { database: schema.database } : {}) });
      const added = await run(
        'clients',
        'add',
        '--name=Demo RS',
        '--resource-server',
        `--resource=${DEFAULT_MCP_URL}`,
      );
      assert.equal(added.code, 0, added.stderr);
      const id = /^client_id=(\S+)$/m.exec(added.stdout)?.[1] ?? '';
      const secret = /^client_secret=(\S+)$/m.exec(added.stdout)?.[1] ?? '';
      rsAuthorization = basicAuth(id, secret);
    });
    after(async () => {
      await server.close();
      await schema?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('clients list says how each registered, what it may do, when it was last used and when a dynamic one expires', async () => {
      const job = await run(
        'clients',
        'add',
        '--name=Nightly job',
        '--grant-type=client_credentials',
        '--scope=user',
      );
      const jobId = /^client_id=(\S+)$/m.exec(job.stdout)?.[1];
      const person = await signIn(server.issuer);
      const clients = jsonOf<ClientJson[]>(await run('clients', 'list', '--json'));
      const dynamic = clients.find((client) => client.clientId === person.clientId);
      assert.equal(dynamic?.registration, 'dynamic');
      assert.ok(dynamic?.expiresAt && Date.parse(dynamic.expiresAt) > Date.now(), 'a dynamic client expires');
      assert.ok(dynamic?.lastUsedAt, 'its token request is its last use');
      assert.equal(dynamic?.resourceServerFor, null);
      const rs = clients.find((client) => client.name === 'Demo RS');
      assert.equal(rs?.registration, 'pre-registered');
      assert.deepEqual(rs?.resourceServerFor, [DEFAULT_MCP_URL]);
      assert.equal(rs?.expiresAt, null);
      const nightly = clients.find((client) => client.clientId === jobId);
      assert.deepEqual(nightly?.clientCredentialsScopes, ['user']);
      assert.equal(nightly?.lastUsedAt, null, 'never used');

      const text = await run('clients', 'list');
      assert.match(text.stdout, /^CLIENT ID\tREGISTRATION\t/);
      assert.match(text.stderr, /Client ID Metadata Document .* not stored/);
      const shown = await run('clients', 'show', person.clientId);
      assert.equal(shown.code, 0);
      assert.match(shown.stdout, /Registration:\s+dynamic/);
      assert.match(shown.stdout, /Expires:\s+\d{4}-.*unless used before/);
      assert.deepEqual(jsonOf<ClientJson>(await run('clients', 'show', person.clientId, '--json')), dynamic);
      const missing = await run('clients', 'show', 'https://app.example/client.json');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /never stored/);
    });

    it('grants revoke: the grant’s access and refresh tokens stop working at once, and the person is asked to consent again', async () => {
      const person = await signIn(server.issuer);
      assert.equal(await isActive(person.access_token), true);
      const grants = jsonOf<GrantJson[]>(
        await run('grants', 'list', `--client=${person.clientId}`, '--json'),
      );
      assert.equal(grants.length, 1);
      assert.equal(grants[0]?.username, TEST_USER.username);
      assert.deepEqual(grants[0]?.resources, { [DEFAULT_MCP_URL]: ['user'] });
      const revoked = await run('grants', 'revoke', grants[0]?.grantId ?? '');
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, /^revoked /);
      assert.equal(await isActive(person.access_token), false, 'RFC 7662: inactive once revoked');
      const refreshed = await refresh(server.issuer, person.clientId, person.refresh_token);
      assert.equal(refreshed.status, 400);
      assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
      assert.deepEqual(
        jsonOf<GrantJson[]>(await run('grants', 'list', `--client=${person.clientId}`, '--json')),
        [],
      );
      const again = await run('grants', 'revoke', grants[0]?.grantId ?? '');
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no live grant/);
    });

    it('grants revoke --user revokes every grant of a person; --user of nobody is one line, exit 1', async () => {
      const first = await signIn(server.issuer);
      const second = await signIn(server.issuer);
      const revoked = jsonOf<{ revoked: string[] }>(
        await run('grants', 'revoke', `--user=${TEST_USER.username.toUpperCase()}`, '--json'),
      );
      assert.ok(revoked.revoked.length >= 2);
      assert.equal(await isActive(first.access_token), false);
      assert.equal(await isActive(second.access_token), false);
      const nobody = await run('grants', 'list', '--user=nobody');
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /^no account named nobody/);
    });

    it('users list shows the last sign-in; a locked user cannot sign in, and the grants they held stop working', async () => {
      const person = await signIn(server.issuer);
      const users = jsonOf<UserJson[]>(await run('users', 'list', '--json'));
      const alice = users.find((user) => user.username === TEST_USER.username);
      assert.ok(alice?.lastSignInAt && Date.now() - Date.parse(alice.lastSignInAt) < 600_000);
      assert.equal(alice?.locked, false);

      const locked = await run('users', 'lock', TEST_USER.username);
      assert.equal(locked.code, 0, locked.stderr);
      assert.match(locked.stdout, /locked alice: [1-9]\d* grant\(s\) revoked/);
      assert.equal(await isActive(person.access_token), false);
      assert.equal((await refresh(server.issuer, person.clientId, person.refresh_token)).status, 400);
      assert.equal(
        jsonOf<UserJson[]>(await run('users', 'list', '--json')).find((u) => u.username === 'alice')?.locked,
        true,
      );

      const form = await SignInForm.open(server.issuer);
      const wrong = await form.submit(TEST_USER.username, 'not the password', '203.0.113.9');
      assert.equal(wrong.status, 401, 'a wrong password does not learn that the account is locked');
      assert.doesNotMatch(wrong.page, /locked/);
      const refused = await form.submit(TEST_USER.username, TEST_USER.password, '203.0.113.9');
      assert.equal(refused.status, 403);
      assert.match(refused.page, /This account is locked\. Contact the administrator/);

      assert.equal((await run('users', 'unlock', TEST_USER.username)).code, 0);
      const retry = await SignInForm.open(server.issuer);
      assert.equal(
        (await retry.submit(TEST_USER.username, TEST_USER.password, '203.0.113.9')).status,
        SIGNED_IN,
      );
    });

    it('clients remove deletes a dynamic client and revokes what it holds', async () => {
      const person = await signIn(server.issuer);
      const removed = await run('clients', 'remove', person.clientId);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.stderr, /Revoked its 1 grant/);
      assert.equal(await isActive(person.access_token), false);
      const clients = jsonOf<ClientJson[]>(await run('clients', 'list', '--json'));
      assert.ok(!clients.some((client) => client.clientId === person.clientId));
      assert.equal((await run('clients', 'remove', person.clientId)).code, 1);
    });

    it('keys rotate adds keys that are published now and sign a minute later; keys list shows both', async () => {
      const before = jsonOf<Array<{ kid: string; state: string }>>(await run('keys', 'list', '--json'));
      assert.deepEqual(
        before.map((key) => key.state),
        ['active', 'active'],
      );
      const rotated = jsonOf<{ kids: string[]; activeFrom: string }>(await run('keys', 'rotate', '--json'));
      assert.equal(rotated.kids.length, 2);
      const activeIn = Date.parse(rotated.activeFrom) - Date.now();
      assert.ok(activeIn > 30_000 && activeIn <= 60_000, `signs in about a minute, not ${activeIn} ms`);
      const after = jsonOf<Array<{ kid: string; state: string }>>(await run('keys', 'list', '--json'));
      assert.deepEqual(
        after.map((key) => [key.kid, key.state]),
        [...rotated.kids.map((kid) => [kid, 'next']), ...before.map((key) => [key.kid, 'active'])],
      );
      await server.refreshKeys();
      const published = (await (await fetch(`${server.issuer}/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      for (const kid of rotated.kids)
        assert.ok(
          published.keys.some((key) => key.kid === kid),
          `${kid} is published`,
        );
    });

    it('bad input is one line and exit code 2', async () => {
      const mistakes: Array<[string[], RegExp]> = [
        [['grants', 'revoke'], /needs a grant id, or --user/],
        [['grants', 'revoke', 'x', '--user=alice'], /not both/],
        [['grants', 'list', '--bogus'], /Unknown option '--bogus'/],
        [['grants', 'expire'], /unknown grants action "expire"/],
        [['clients', 'show'], /needs a client id/],
        [['clients', 'list', 'extra'], /unexpected argument "extra"/],
        [['users', 'lock'], /needs a username/],
        [['users', 'freeze', 'alice'], /unknown users action "freeze"/],
        [['keys', 'spin'], /unknown keys action "spin"/],
        [['backup'], backend.postgres ? /pg_dump/ : /needs the FILE/],
      ];
      for (const [argv, message] of mistakes) {
        const result = await run(...argv);
        assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.match(result.stderr, /^mcp-auth-as: [^\n]+\nRun mcp-auth-as --help for usage\.\n$/);
      }
    });

    if (backend.postgres) {
      it('backup with a PostgreSQL database points to pg_dump and exits 2', async () => {
        const result = await run('backup', join(dataDir, 'never.db'));
        assert.equal(result.code, 2);
        assert.match(result.stderr, /for PostgreSQL use pg_dump/);
      });
    } else {
      it('backup writes an owner-only, consistent copy of the database and of the keys while the server runs', async () => {
        const target = join(dataDir, 'backup', '..', 'copy.db');
        const result = await run('backup', target);
        assert.equal(result.code, 0, result.stderr);
        for (const file of [target, `${target}.secrets.json`]) {
          assert.equal((await stat(file)).mode & 0o777, 0o600, `${file} is owner-only`);
        }
        const copy = new DatabaseSync(target, { readOnly: true });
        try {
          const row = copy
            .prepare('SELECT username FROM accounts WHERE username = ?')
            .get(TEST_USER.username);
          assert.deepEqual({ ...row }, { username: TEST_USER.username });
        } finally {
          copy.close();
        }
        const again = await run('backup', target);
        assert.equal(again.code, 2, 'an existing file is never overwritten');
        assert.match(again.stderr, /exists already/);
      });
    }
  });
}
