import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { testDatabaseUrl } from '@mcp-auth/test-support/postgres';
import { Pool } from 'pg';
import { generateServerSecrets, type ServerSecrets } from '../../src/keys/server-secrets.ts';
import {
  openPostgresBackend,
  type PostgresStorageBackend,
} from '../../src/storage/postgres/postgres-backend.ts';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/postgres-schema.ts';
import { runStorageContract } from './contract.ts';

/**
 * Runs against a real PostgreSQL: the machine's, or an embedded one when it has none
 * (`testDatabaseUrl`). Every suite works in a fresh schema of its own, dropped at the end, so runs
 * never see each other's rows. An unreachable database FAILS this file: a storage backend that
 * was never tested must not pass.
 */
const connectionString = await testDatabaseUrl();

const admin = new Pool({ connectionString, max: 2, connectionTimeoutMillis: 5_000 });
admin.on('error', () => {});
try {
  await admin.query('SELECT 1');
} catch (error) {
  await admin.end();
  throw new Error(
    `PostgreSQL is not reachable at ${connectionString.replace(/:[^:@/]*@/, ':***@')} ` +
      `(${(error as Error).message || (error as NodeJS.ErrnoException).code}). ` +
      'Start it or point TEST_DATABASE_URL (or DATABASE_URL) at one; these tests do not skip.',
    { cause: error },
  );
}

const schemas: string[] = [];
/** A schema name no other run uses; it is dropped when the file's tests end. */
function freshSchema(): string {
  const schema = `mcp_auth_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

after(async () => {
  try {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
});

const open = (schema: string, poolSize = 5): Promise<PostgresStorageBackend> =>
  openPostgresBackend({ connectionString, schema, poolSize });

const contractSchema = freshSchema();
runStorageContract('PostgreSQL', () => open(contractSchema), {
  openSecondConnection: () => open(contractSchema),
});

const epochSeconds = () => Math.floor(Date.now() / 1000);

describe('PostgreSQL specifics', () => {
  it('four instances starting at once on a new schema all succeed; it is created and migrated once', async () => {
    const schema = freshSchema();
    const backends = await Promise.all(Array.from({ length: 4 }, () => open(schema, 2)));
    try {
      const namespaces = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      assert.equal(namespaces.rowCount, 1);
      const { rows } = await admin.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      assert.deepEqual(
        rows.map((row) => row.version),
        POSTGRES_MIGRATIONS.map((_, index) => index + 1),
        'each migration applied exactly once',
      );
      const tables = await admin.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      );
      assert.deepEqual(
        tables.rows.map((row) => row.table_name),
        ['accounts', 'artifacts', 'rate_limits', 'schema_migrations', 'server_secrets'],
      );
      // Every instance works on the same tables.
      await backends[0]?.artifacts.upsert({ model: 'M', key: 'k', payload: { v: 1 } });
      for (const backend of backends)
        assert.deepEqual((await backend.artifacts.find('M', 'k'))?.payload, { v: 1 });
    } finally {
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });

  it('reopening an up-to-date schema applies nothing', async () => {
    const schema = freshSchema();
    await (await open(schema)).close();
    const before = await admin.query(`SELECT version, applied_at FROM "${schema}".schema_migrations`);
    await (await open(schema)).close();
    const after = await admin.query(`SELECT version, applied_at FROM "${schema}".schema_migrations`);
    assert.deepEqual(after.rows, before.rows);
  });

  it('refuses a schema written by a newer version', async () => {
    const schema = freshSchema();
    await (await open(schema)).close();
    await admin.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (99)`);
    await assert.rejects(open(schema), /newer than this program knows/);
  });

  it('a schema name needing quotes is handled safely', async () => {
    const schema = `${freshSchema()}"; DROP TABLE x; --`;
    schemas.push(schema.replaceAll('"', '""'));
    const backend = await open(schema);
    try {
      await backend.artifacts.upsert({ model: 'M', key: 'k', payload: { ok: true } });
      assert.deepEqual((await backend.artifacts.find('M', 'k'))?.payload, { ok: true });
      const namespaces = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      assert.equal(namespaces.rowCount, 1, 'the schema exists under its exact name');
    } finally {
      await backend.close();
    }
    await assert.rejects(open('x'.repeat(64)), /invalid PostgreSQL identifier/);
  });

  it('an unreachable database gives a clear error that hides the password', async () => {
    await assert.rejects(
      openPostgresBackend({
        connectionString: 'postgres://someone:hunter2@127.0.0.1:1/nowhere',
        schema: 'x',
      }),
      (error: Error) => {
        assert.match(error.message, /^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('four pools racing to consume the same 100 codes: each code has exactly one winner', async () => {
    const schema = freshSchema();
    const backends = await Promise.all(Array.from({ length: 4 }, () => open(schema, 4)));
    try {
      const keys = Array.from({ length: 100 }, (_, index) => `code-${index}`);
      for (const key of keys) {
        await backends[0]?.artifacts.upsert({
          model: 'AuthorizationCode',
          key,
          payload: {},
          grantId: `grant-${key}`,
          expiresAt: epochSeconds() + 60,
        });
      }
      const results = await Promise.all(
        backends.map(async (backend) => {
          const outcomes = await Promise.all(
            keys.map((key) => backend.artifacts.consume('AuthorizationCode', key)),
          );
          return outcomes.map((outcome, index) => ({ key: keys[index] ?? '', outcome }));
        }),
      );
      const all = results.flat();
      const won = all.filter((result) => result.outcome.outcome === 'consumed').map((result) => result.key);
      assert.equal(won.length, keys.length, 'every code consumed exactly once');
      assert.equal(new Set(won).size, keys.length, 'no code consumed twice');
      for (const result of all) {
        if (result.outcome.outcome === 'consumed') continue;
        assert.deepEqual(result.outcome, { outcome: 'already-consumed', grantId: `grant-${result.key}` });
      }
    } finally {
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });

  it('payloads round-trip through jsonb; bigint columns come back as numbers', async () => {
    const backend = await open(contractSchema);
    try {
      const payload = { big: 2 ** 53 - 1, float: 1.5, nil: null, list: [1, 'two', { three: 3 }], s: '\'"\\' };
      const expiresAt = epochSeconds() + 3600;
      await backend.artifacts.upsert({ model: 'J', key: 'json', payload, expiresAt });
      assert.deepEqual((await backend.artifacts.find('J', 'json'))?.payload, payload);
      await backend.artifacts.consume('J', 'json');
      assert.equal(typeof (await backend.artifacts.find('J', 'json'))?.consumedAt, 'number');
      const createdAt = epochSeconds();
      await backend.accounts.create({ id: 'num', username: 'numbers', passwordHash: 'h', createdAt });
      assert.equal((await backend.accounts.findById('num'))?.createdAt, createdAt);
      assert.equal(typeof (await backend.accounts.count()), 'number');
    } finally {
      await backend.close();
    }
  });

  it('the shared rate limiter purges its own windows: those that ended a day ago go, current ones stay', async () => {
    const schema = freshSchema();
    const backend = await open(schema);
    try {
      const day = 24 * 3600 * 1000;
      const start = Date.UTC(2030, 0, 1);
      const limit = { points: 5, windowSeconds: 60 };
      await backend.rateLimits.limiter('old', limit, () => start).consume('10.0.0.1');
      await backend.rateLimits.limiter('new', limit, () => start + day).consume('10.0.0.1');
      assert.equal(await backend.rateLimits.purgeExpired(start + day + 60_000), 1);
      const { rows } = await admin.query<{ key: string }>(`SELECT key FROM "${schema}".rate_limits`);
      assert.deepEqual(
        rows.map((row) => row.key),
        ['new:10.0.0.1'],
      );
      assert.equal((await backend.artifacts.purgeExpired()) >= 0, true, 'artifacts purge on their own');
    } finally {
      await backend.close();
    }
  });
});

describe('PostgreSQL secrets store', () => {
  it('four instances creating secrets at once converge on one set of keys', async () => {
    const schema = freshSchema();
    const backends = await Promise.all(Array.from({ length: 4 }, () => open(schema, 2)));
    try {
      // A barrier: no instance stores its keys before all four found the table empty and
      // generated their own, so the inserts really race.
      const generated: ServerSecrets[] = [];
      let allGenerated: () => void = () => {};
      const barrier = new Promise<void>((resolve) => {
        allGenerated = resolve;
      });
      const loaded = await Promise.all(
        backends.map((backend) =>
          backend.secrets.loadOrCreate(async () => {
            const secrets = await generateServerSecrets();
            generated.push(secrets);
            if (generated.length === backends.length) allGenerated();
            await barrier;
            return secrets;
          }),
        ),
      );
      assert.equal(generated.length, 4, 'every instance generated its own secrets');
      assert.equal(
        new Set(generated.map((secrets) => secrets.generations[0]?.cookieKeys[0])).size,
        4,
        'all different',
      );
      const first = loaded[0];
      assert.ok(first);
      for (const secrets of loaded) assert.deepEqual(secrets, first);
      assert.ok(
        generated.some(
          (secrets) => secrets.generations[0]?.cookieKeys[0] === first.generations[0]?.cookieKeys[0],
        ),
        'the stored secrets are one of the generated sets',
      );
      // Later starts load them without creating anything.
      const again = await backends[1]?.secrets.loadOrCreate(() => {
        throw new Error('must not create when secrets exist');
      });
      assert.deepEqual(again, first);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".server_secrets`);
      assert.equal(rows[0]?.n, 1);
    } finally {
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });

  it('refuses a row that does not hold keys', async () => {
    const schema = freshSchema();
    const backend = await open(schema);
    try {
      await admin.query(`INSERT INTO "${schema}".server_secrets (id, secrets) VALUES (1, '{}')`);
      await assert.rejects(
        backend.secrets.loadOrCreate(generateServerSecrets),
        /does not hold signing and cookie keys/,
      );
    } finally {
      await backend.close();
    }
  });

  it('the secrets table grants nothing to PUBLIC', async () => {
    const schema = freshSchema();
    await (await open(schema)).close();
    const { rows } = await admin.query<{ acl: string | null }>(
      `SELECT relacl::text AS acl FROM pg_class
       WHERE relname = 'server_secrets' AND relnamespace = $1::regnamespace`,
      [schema],
    );
    // An explicit ACL (not the default NULL) in which no entry starts with "=" (PUBLIC).
    assert.ok(rows[0]?.acl, 'the table has an explicit ACL');
    assert.doesNotMatch(rows[0]?.acl ?? '', /[{,]=/);
  });
});
