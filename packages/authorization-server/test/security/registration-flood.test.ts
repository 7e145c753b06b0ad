import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { refresh, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { parseServeArgs } from '../../src/commands/serve-arguments.ts';
import { authorizationServerOptionsSchema } from '../../src/options.ts';
import { openPostgresBackend } from '../../src/storage/postgres/postgres-backend.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { StorageBackend } from '../../src/storage/storage-backend.ts';
import { freshTestSchema } from '../support/postgres-test-schema.ts';
import { signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * One address once registered 28,457 clients in 15 s by spelling the registration path in ways
 * the rate limiter did not recognise. The limit must hold for the route the provider serves,
 * whatever the spelling, and a flood that gets through must not fill the disk.
 */
const DAY = 24 * 3600;
const REGISTRATION = JSON.stringify({
  client_name: 'flood',
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1:3030/callback'],
  token_endpoint_auth_method: 'none',
});

/** POSTs a registration with the request target exactly as given (fetch would normalise it). */
function registerAt(
  port: number,
  target: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REGISTRATION) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(REGISTRATION);
  });
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

describe('registration flood: the rate limit holds for every spelling of the path', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({ rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 } });
  });
  after(() => server?.dispose());

  it('case, trailing slashes, dot segments, percent-encoding, double slashes, absolute form: 3 clients at most', async () => {
    const spellings = [
      '/reg',
      '/reg/',
      '/REG',
      '/Reg',
      '/ReG/',
      '/reg/.',
      '/reg/./',
      '//reg',
      '/reg//',
      '/./reg',
      '/x/../reg',
      '/%72eg',
      '/r%65g',
      '/%52%45%47',
      '/reg%2F',
      '/reg%2f.',
      '/reg;',
      '/reg?x=1',
      '/REG/?x=1',
      '/reg#fragment',
      `http://127.0.0.1:${server.port}/reg`,
      `http://evil.example/REG/`,
    ];
    let created = 0;
    for (const spelling of spellings) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await registerAt(server.port, spelling);
        if (answer.status === 201) {
          created++;
          continue;
        }
        // No fragment may be in a request-target (RFC 9112 §3.2): refused before any route.
        const expected = spelling.includes('#') ? [400] : [404, 429];
        assert.ok(expected.includes(answer.status), `${spelling}: ${answer.status} ${answer.body}`);
        if (answer.status === 429) {
          assert.ok(Number(answer.headers['retry-after']) >= 1, `${spelling}: Retry-After`);
          assert.equal((JSON.parse(answer.body) as { error: string }).error, 'too_many_requests');
        }
      }
    }
    assert.equal(created, 3, 'one address registered more clients than its limit');
  });
});

for (const storage of ['SQLite', 'PostgreSQL'] as const) {
  describe(`registration flood: dynamic clients are bounded and expire (${storage})`, () => {
    let backend: StorageBackend;
    let cleanup: () => Promise<void>;
    let extensions: Array<{ key: string; expiresAt: number }>;
    /** The clock of the dynamic-client lifecycle, in milliseconds; tests move it. */
    let clockMs = Date.now();
    before(async () => {
      let opened: StorageBackend;
      if (storage === 'SQLite') {
        const dir = await mkdtemp(join(tmpdir(), 'mcp-auth-flood-'));
        opened = openSqliteBackend({ path: join(dir, 'as.db') });
        cleanup = () => rm(dir, { recursive: true, force: true });
      } else {
        const schema = freshTestSchema('mcp_auth_flood');
        opened = await openPostgresBackend({ connectionString: schema.database.url, schema: schema.name });
        cleanup = schema.drop;
      }
      extensions = [];
      // The same store, with every expiry extension written down.
      backend = {
        ...opened,
        artifacts: {
          ...opened.artifacts,
          extendExpiry: async (model, key, expiresAt) => {
            if (model === 'Client') extensions.push({ key, expiresAt });
            return opened.artifacts.extendExpiry(model, key, expiresAt);
          },
        },
        close: () => opened.close(),
      };
    });
    after(async () => {
      await backend?.close();
      await cleanup?.();
    });

    /** Whether the client's row is still in the database (the AS's own answers are cached 5 s). */
    const stored = async (clientId: string) =>
      (await backend.artifacts.find('Client', clientId)) !== undefined;

    const start = (options: Parameters<typeof startTestServer>[0] = {}) =>
      startTestServer(
        { rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 10 }, ...options },
        { backend, clock: () => clockMs },
      );

    it('past the bound on dynamic clients, registration gets 503 temporarily_unavailable with Retry-After', async () => {
      const server = await start({ dynamicClients: { max: 2 } });
      try {
        // Operator-registered clients are not dynamic: they neither count nor are refused.
        await server.registerClient({ name: 'Operator app', redirectUris: ['https://app.example/cb'] });
        const before = await backend.artifacts.countExpiring('Client');
        const room = Math.max(0, 2 - before);
        for (let index = 0; index < room; index++) await registerPublicClient(server.issuer);
        const refused = await registerAt(server.port, '/reg');
        assert.equal(refused.status, 503, refused.body);
        const body = JSON.parse(refused.body) as { error: string; error_description: string };
        assert.equal(body.error, 'temporarily_unavailable');
        assert.match(body.error_description, /2/);
        assert.ok(Number(refused.headers['retry-after']) >= 1);
        assert.equal(await backend.artifacts.countExpiring('Client'), 2, 'nothing was stored');
        await server.registerClient({
          name: 'Another operator app',
          redirectUris: ['https://app.example/cb'],
        });
      } finally {
        await server.dispose();
      }
    });

    it('a client that never completes a grant expires one day after registration, and is purged', async () => {
      const server = await start();
      try {
        const registeredAt = epochSeconds();
        const client = await registerPublicClient(server.issuer);
        await backend.artifacts.purgeExpired(registeredAt + DAY - 60);
        assert.ok(await stored(client.client_id), 'gone before its day was over');
        await backend.artifacts.purgeExpired(registeredAt + DAY + 60);
        assert.equal(await stored(client.client_id), false, 'still there after a day');
      } finally {
        await server.dispose();
      }
    });

    it('a client in use lives 90 days after its last use, extended at most once a day', async () => {
      const server = await start();
      try {
        clockMs = Date.now();
        const { client, tokens } = await signInNewClient(server);
        const mine = () => extensions.filter((extension) => extension.key === client.client_id);
        assert.equal(mine().length, 1, 'the first grant extends its life');
        assert.equal(mine()[0]?.expiresAt, Math.floor(clockMs / 1000) + 90 * DAY);
        // A refresh the same day costs no write.
        const first = await refresh(server.issuer, client.client_id, tokens.refresh_token);
        assert.equal(first.status, 200);
        const { refresh_token: next } = (await first.json()) as { refresh_token: string };
        assert.equal(mine().length, 1, 'a second write on the same day');
        // A day later the next use extends it again.
        clockMs += DAY * 1000 + 1000;
        const second = await refresh(server.issuer, client.client_id, next);
        assert.equal(second.status, 200);
        assert.equal(mine().length, 2);
        const lastUse = Math.floor(clockMs / 1000);
        assert.equal(mine()[1]?.expiresAt, lastUse + 90 * DAY);
        // Purged only once 90 days have passed since that use.
        await backend.artifacts.purgeExpired(lastUse + 90 * DAY - 60);
        assert.ok(await stored(client.client_id), 'an idle client went too early');
        await backend.artifacts.purgeExpired(lastUse + 90 * DAY + 60);
        assert.equal(await stored(client.client_id), false, 'an idle client stayed');
      } finally {
        await server.dispose();
      }
    });
  });
}

describe('registration flood: the bound is the operator’s to choose', () => {
  it('--max-dynamic-clients sets it; anything but a whole number of at least 1 is a usage error', () => {
    const parse = (value: string) => parseServeArgs([`--max-dynamic-clients=${value}`], {}).options;
    assert.equal(authorizationServerOptionsSchema.parse(parse('25')).dynamicClients.max, 25);
    assert.equal(
      authorizationServerOptionsSchema.parse(parseServeArgs([], {}).options).dynamicClients.max,
      10_000,
    );
    for (const bad of ['0', '-1', 'many', '1e3', '']) {
      assert.throws(
        () => parse(bad),
        (error: Error) => error.name === 'UsageError' && error.message.includes('--max-dynamic-clients'),
        bad,
      );
    }
  });
});

describe('registration flood: the rate limit per address', () => {
  it('RFC 7591 registration is rate-limited per IP address with 429 and Retry-After', async () => {
    const server = await startTestServer({
      rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 },
    });
    try {
      for (let attempt = 0; attempt < 3; attempt++) await registerPublicClient(server.issuer);
      const response = await fetch(`${server.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'] }),
      });
      assert.equal(response.status, 429);
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
      assert.equal(((await response.json()) as { error: string }).error, 'too_many_requests');
    } finally {
      await server.dispose();
    }
  });
});
