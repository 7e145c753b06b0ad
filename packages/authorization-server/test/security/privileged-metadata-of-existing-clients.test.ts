import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { basicAuth, introspect } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { hashClientSecret } from '../../src/clients/client-secret.ts';
import { dataDirFiles } from '../../src/storage/open-storage.ts';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/postgres-schema.ts';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite-schema.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import { DEMO_RESOURCE, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Earlier versions kept the operator's privileges inside the client's own metadata
 * (`mcp_preregistered`, `mcp_resource_server`), where a client-supplied document could carry them
 * too. A database written by such a version is migrated when the AS starts: the privileges move
 * to the operator's record, the fields leave the metadata, every row stays and every client
 * keeps working. Dynamic clients registered before expiry existed get one.
 */
const SQLITE_RELEASED = 2; // migrations shipped before the privileges moved
const POSTGRES_RELEASED = 3;
const DAY = 24 * 3600;

const secrets = { job: 'job-secret', anyJob: 'any-job-secret', rs: 'rs-secret' };

/** Client rows exactly as `mcp-auth-as clients add` and RFC 7591 registration stored them before. */
function legacyClients(): Array<{ id: string; payload: Record<string, unknown> }> {
  const confidential = (id: string, secret: string, extra: Record<string, unknown>) => ({
    id,
    payload: {
      client_id: id,
      client_name: id,
      token_endpoint_auth_method: 'client_secret_basic',
      response_types: [],
      redirect_uris: [],
      client_secret: hashClientSecret(secret),
      mcp_preregistered: true,
      ...extra,
    },
  });
  return [
    confidential('legacy-job', secrets.job, { grant_types: ['client_credentials'], scope: 'user' }),
    confidential('legacy-any-scope-job', secrets.anyJob, { grant_types: ['client_credentials'] }),
    confidential('legacy-rs', secrets.rs, { grant_types: [], mcp_resource_server: true }),
    {
      id: 'legacy-dynamic',
      payload: {
        client_id: 'legacy-dynamic',
        client_id_issued_at: Math.floor(Date.now() / 1000) - 30 * DAY,
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1:3030/callback'],
        token_endpoint_auth_method: 'none',
      },
    },
  ];
}

interface StoredRow {
  model: string;
  key: string;
  payload: Record<string, unknown>;
  expires_at: number | null;
}

interface LegacyDatabase {
  readonly options: Parameters<typeof startTestServer>[0];
  rows(): Promise<StoredRow[]>;
  cleanup(): Promise<void>;
}

async function legacySqlite(): Promise<LegacyDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-'));
  const path = join(dataDir, dataDirFiles.database);
  const db = new DatabaseSync(path);
  for (const migration of SQLITE_MIGRATIONS.slice(0, SQLITE_RELEASED)) db.exec(migration);
  db.exec(`PRAGMA user_version = ${SQLITE_RELEASED}`);
  const insert = db.prepare("INSERT INTO artifacts (model, key, payload) VALUES ('Client', ?, ?)");
  for (const client of legacyClients()) insert.run(client.id, JSON.stringify(client.payload));
  db.close();
  return {
    options: { dataDir },
    async rows() {
      const reader = new DatabaseSync(path, { readOnly: true });
      try {
        const rows = reader
          .prepare(
            "SELECT model, key, payload, expires_at FROM artifacts WHERE model IN ('Client', 'ClientPrivileges')",
          )
          .all() as unknown as Array<Omit<StoredRow, 'payload'> & { payload: string }>;
        return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
      } finally {
        reader.close();
      }
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

async function legacyPostgres(): Promise<LegacyDatabase> {
  const schema: TestSchema = freshTestSchema('mcp_auth_legacy');
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-pg-'));
  const statements = [
    `CREATE SCHEMA "${schema.name}"`,
    `SET search_path TO "${schema.name}"`,
    'CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    ...POSTGRES_MIGRATIONS.slice(0, POSTGRES_RELEASED),
    ...POSTGRES_MIGRATIONS.slice(0, POSTGRES_RELEASED).map(
      (_, index) => `INSERT INTO schema_migrations (version) VALUES (${index + 1})`,
    ),
  ];
  await schema.query(statements.join(';\n'));
  for (const client of legacyClients()) {
    await schema.query(
      `INSERT INTO "${schema.name}".artifacts (model, key, payload) VALUES ('Client', $1, $2::jsonb)`,
      [client.id, JSON.stringify(client.payload)],
    );
  }
  return {
    options: { dataDir, database: schema.database },
    async rows() {
      const { rows } = await schema.query(
        `SELECT model, key, payload, expires_at::integer AS expires_at FROM "${schema.name}".artifacts
         WHERE model IN ('Client', 'ClientPrivileges')`,
      );
      return rows as StoredRow[];
    },
    cleanup: async () => {
      await schema.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const clientCredentials = (issuer: string, clientId: string, secret: string, scope: string) =>
  fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(clientId, secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: DEMO_RESOURCE }),
  });

for (const [storage, open] of [
  ['SQLite', legacySqlite],
  ['PostgreSQL', legacyPostgres],
] as const) {
  describe(`privileged metadata of existing clients is moved out at start (${storage})`, () => {
    let legacy: LegacyDatabase;
    let server: TestAuthorizationServer;
    let startedAt: number;
    before(async () => {
      legacy = await open();
      startedAt = Math.floor(Date.now() / 1000);
      server = await startTestServer(legacy.options);
    });
    after(async () => {
      await server?.dispose();
      await legacy?.cleanup();
    });

    it('every row is kept, and no client metadata names mcp_preregistered or mcp_resource_server', async () => {
      const clients = (await legacy.rows()).filter((row) => row.model === 'Client');
      assert.deepEqual(
        clients.map((row) => row.key).sort(),
        legacyClients()
          .map((client) => client.id)
          .sort(),
      );
      for (const row of clients) {
        assert.equal('mcp_preregistered' in row.payload, false, row.key);
        assert.equal('mcp_resource_server' in row.payload, false, row.key);
      }
    });

    it('the privileges are in the operator’s records, keyed by client id', async () => {
      const records = Object.fromEntries(
        (await legacy.rows()).filter((row) => row.model === 'ClientPrivileges').map((row) => [row.key, row]),
      );
      assert.deepEqual(Object.keys(records).sort(), ['legacy-any-scope-job', 'legacy-job', 'legacy-rs']);
      assert.deepEqual(records['legacy-job']?.payload, { clientCredentials: { scope: 'user' } });
      assert.deepEqual(records['legacy-any-scope-job']?.payload, { clientCredentials: { everyScope: true } });
      assert.deepEqual(records['legacy-rs']?.payload, { introspection: { everyResource: true } });
      for (const record of Object.values(records)) assert.equal(record.expires_at, null);
    });

    it('a pre-registered client_credentials client keeps its grant and its scope', async () => {
      const granted = await clientCredentials(server.issuer, 'legacy-job', secrets.job, 'user');
      assert.equal(granted.status, 200, await granted.clone().text());
      const beyond = await clientCredentials(server.issuer, 'legacy-job', secrets.job, 'admin');
      assert.equal(beyond.status, 400);
      // One registered without --scope could ask for any scope before, and still can.
      const any = await clientCredentials(
        server.issuer,
        'legacy-any-scope-job',
        secrets.anyJob,
        'user admin',
      );
      assert.equal(any.status, 200, await any.clone().text());
    });

    it('a pre-registered resource server keeps introspecting access tokens (and no longer refresh tokens)', async () => {
      const { tokens } = await signInNewClient(server);
      const auth = basicAuth('legacy-rs', secrets.rs);
      const access = (await (await introspect(server.issuer, tokens.access_token, auth)).json()) as {
        active: boolean;
      };
      assert.equal(access.active, true);
      assert.deepEqual(await (await introspect(server.issuer, tokens.refresh_token, auth)).json(), {
        active: false,
      });
    });

    it('a dynamic client keeps working and now expires after 90 idle days; operator clients never do', async () => {
      const byKey = Object.fromEntries((await legacy.rows()).map((row) => [`${row.model}/${row.key}`, row]));
      const expiry = byKey['Client/legacy-dynamic']?.expires_at;
      assert.ok(typeof expiry === 'number' && expiry >= startedAt + 90 * DAY - 5, `expiry ${expiry}`);
      for (const id of ['legacy-job', 'legacy-any-scope-job', 'legacy-rs']) {
        assert.equal(byKey[`Client/${id}`]?.expires_at, null, id);
      }
      const { challenge } = createPkcePair();
      const url = new URL(`${server.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: 'legacy-dynamic',
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:3030/callback',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'user',
        state: randomBytes(4).toString('hex'),
      }).toString();
      assert.equal((await fetch(url, { redirect: 'manual' })).status, 303);
    });
  });
}
