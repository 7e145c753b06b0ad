/**
 * Case 7 (`--only=growth`): the AS's cost as its data grows. The AS (in this process, SQLite and
 * PostgreSQL) is filled with stored grants, each with an access token and a refresh token (a
 * third of those tokens already expired, as in a real store between two purges), plus 10,000
 * registered clients, in steps (10k and 100k grants; 1k in --quick); at each size the refresh,
 * client_credentials and introspection loads of the AS case run, and then the AS's own purge of
 * the expired rows runs during a refresh load, to see whether it stalls the requests served meanwhile.
 * Rows are written straight into the database, shaped like the AS's own (same columns, indexes,
 * payloads of a similar size), because minting 100k grants through the pages would take hours.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { dataDirFiles, openStorage, type StorageBackend } from '@mcp-auth/authorization-server';
import pg from 'pg';
import { runLoad } from '../load.ts';
import {
  dropSchema,
  findPostgres,
  freshSchemaName,
  type PostgresTarget,
  startBenchAuthorizationServer,
} from '../support/auth-server.ts';
import { type BenchContext, type CaseOutcome, median, type Row } from '../support/report.ts';
import { CONNECTIONS, type Endpoint, prepareWorkloads, RESOURCE } from './as-throughput.ts';

const CLIENTS = 10_000;
const ENDPOINTS: readonly Endpoint[] = ['refresh', 'client_credentials', 'introspection'];

interface SizeResult {
  readonly grants: number;
  readonly rows: number;
  readonly throughput: Record<Endpoint, number[]>;
  readonly p99: Record<Endpoint, number[]>;
  readonly purge: { ms: number; deleted: number; p99Ms: number; maxMs: number; throughput: number };
}

export async function dataGrowth(ctx: BenchContext): Promise<CaseOutcome> {
  const sizes = ctx.quick ? [0, 1_000] : [0, 10_000, 100_000];
  const rows: Row[] = [];
  const skipped: string[] = [];
  const details: Record<string, SizeResult[]> = {};
  details.sqlite = await measureBackend(ctx, sizes);
  rows.push(...rowsFor('SQLite', details.sqlite));
  const found = await findPostgres();
  if ('url' in found) {
    const target = { url: found.url, schema: freshSchemaName() };
    try {
      details.postgresql = await measureBackend(ctx, sizes, target);
      rows.push(...rowsFor('PostgreSQL', details.postgresql));
    } finally {
      await dropSchema(target).catch(() => {});
      await found.stop();
    }
  } else {
    skipped.push(found.skipped);
  }
  return { rows, skipped, details };
}

async function measureBackend(
  ctx: BenchContext,
  sizes: readonly number[],
  postgres?: PostgresTarget,
): Promise<SizeResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-bench-growth-'));
  const backend = await openStorage(dataDir, postgres);
  const filler = postgres
    ? await postgresFiller(postgres)
    : sqliteFiller(join(dataDir, dataDirFiles.database));
  const results: SizeResult[] = [];
  try {
    const as = await startBenchAuthorizationServer({
      resources: [{ url: RESOURCE, tokenFormat: 'opaque' }],
      ...(postgres ? { postgres } : {}),
      backend,
      dataDir,
    });
    try {
      const workloads = await prepareWorkloads(as);
      for (const endpoint of ENDPOINTS) {
        await runLoad({
          port: as.port,
          connections: CONNECTIONS,
          durationMs: ctx.prewarmMs / 2,
          warmupMs: 0,
          workload: await workloads[endpoint](),
        });
      }
      let filled = 0;
      for (const grants of sizes) {
        const fillStarted = performance.now();
        if (grants > 0 && filled === 0) await filler.clients(CLIENTS);
        await filler.grants(filled, grants);
        filled = grants;
        const stored = await filler.count();
        ctx.log(
          `  ${as.database}: ${grants} grants (${stored} rows) filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`,
        );
        const throughput = { refresh: [], client_credentials: [], introspection: [] } as Record<
          Endpoint,
          number[]
        >;
        const p99 = { refresh: [], client_credentials: [], introspection: [] } as Record<Endpoint, number[]>;
        for (let round = 1; round <= ctx.runs; round++) {
          for (const endpoint of ENDPOINTS) {
            const result = await runLoad({
              port: as.port,
              connections: CONNECTIONS,
              durationMs: ctx.durationMs,
              warmupMs: ctx.warmupMs,
              workload: await workloads[endpoint](),
            });
            throughput[endpoint].push(result.throughput);
            p99[endpoint].push(result.p99Ms);
            ctx.log(
              `  ${as.database} ${grants} grants, round ${round}: ${endpoint} ${result.throughput.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(1)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`,
            );
          }
        }
        const purge = await purgeDuringLoad(ctx, as.port, backend, await workloads.refresh());
        ctx.log(
          `  ${as.database} ${grants} grants: purge of ${purge.deleted} expired rows took ${purge.ms.toFixed(0)} ms; refresh meanwhile ${purge.throughput.toFixed(0)} req/s, p99 ${purge.p99Ms.toFixed(1)} ms, slowest ${purge.maxMs.toFixed(1)} ms`,
        );
        results.push({ grants, rows: stored, throughput, p99, purge });
      }
    } finally {
      await as.close();
    }
  } finally {
    await filler.close();
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** The AS's own purge (the one its timer runs), started while a refresh load runs. */
async function purgeDuringLoad(
  ctx: BenchContext,
  port: number,
  backend: StorageBackend,
  workload: Awaited<ReturnType<Awaited<ReturnType<typeof prepareWorkloads>>['refresh']>>,
): Promise<SizeResult['purge']> {
  const load = runLoad({
    port,
    connections: CONNECTIONS,
    durationMs: Math.max(ctx.durationMs, 2000),
    warmupMs: 200,
    workload,
  });
  await new Promise((resolve) => setTimeout(resolve, 400));
  const started = performance.now();
  const deleted = await backend.artifacts.purgeExpired();
  const ms = performance.now() - started;
  const result = await load;
  return { ms, deleted, p99Ms: result.p99Ms, maxMs: result.maxMs, throughput: result.throughput };
}

interface Filler {
  clients(count: number): Promise<void>;
  /** Adds grants number `from` to `to` - 1, each with an access and a refresh token. */
  grants(from: number, to: number): Promise<void>;
  count(): Promise<number>;
  close(): Promise<void>;
}

const NOW = () => Math.floor(Date.now() / 1000);
/** Payloads about the size of the AS's own (an access token's JSON is ~400 bytes). */
const PADDING = 'x'.repeat(160);

function payloadFor(model: string, index: number, at: number): string {
  return JSON.stringify({
    kind: model,
    jti: `${model}-${index}`,
    grantId: `fill-${index}`,
    accountId: 'bench-filler-account',
    clientId: `fill-client-${index % CLIENTS}`,
    scope: 'user',
    iat: at,
    exp: at + 3600,
    resource: RESOURCE,
    padding: PADDING,
  });
}

/** Expired tokens: one grant in three, as between two purges. Grants live two weeks. */
function expiryFor(model: string, index: number, at: number): number {
  if (model !== 'Grant' && index % 3 === 0) return at - 60;
  return at + (model === 'AccessToken' ? 3600 : 14 * 86400);
}

function sqliteFiller(path: string): Filler {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000');
  const insert = db.prepare(
    `INSERT INTO artifacts (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
     VALUES (?, ?, ?, ?, NULL, ?, NULL, NULL)`,
  );
  const count = db.prepare('SELECT count(*) AS n FROM artifacts');
  const inBatches = async (from: number, to: number, write: (index: number) => void) => {
    for (let start = from; start < to; start += 5000) {
      db.exec('BEGIN IMMEDIATE');
      for (let index = start; index < Math.min(to, start + 5000); index++) write(index);
      db.exec('COMMIT');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    clients: (total) =>
      inBatches(0, total, (index) => {
        const payload = JSON.stringify({
          client_id: `fill-client-${index}`,
          redirect_uris: [`http://127.0.0.1/callback/${index}`],
          token_endpoint_auth_method: 'none',
          client_name: `Filler ${index}`,
        });
        insert.run('Client', `fill-client-${index}`, payload, null, null);
      }),
    grants: (from, to) =>
      inBatches(from, to, (index) => {
        const at = NOW();
        for (const model of ['Grant', 'AccessToken', 'RefreshToken']) {
          insert.run(
            model,
            `fill-${model}-${index}`,
            payloadFor(model, index, at),
            expiryFor(model, index, at),
            `fill-${index}`,
          );
        }
      }),
    count: async () => Number((count.get() as { n: number }).n),
    close: async () => db.close(),
  };
}

async function postgresFiller(target: PostgresTarget): Promise<Filler> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  const table = `"${target.schema}".artifacts`;
  return {
    async clients(total) {
      await client.query(
        `INSERT INTO ${table} (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
         SELECT 'Client', 'fill-client-' || i, jsonb_build_object('client_id', 'fill-client-' || i,
           'redirect_uris', jsonb_build_array('http://127.0.0.1/callback/' || i),
           'token_endpoint_auth_method', 'none', 'client_name', 'Filler ' || i), NULL, NULL, NULL, NULL, NULL
         FROM generate_series(0, $1::int - 1) AS i`,
        [total],
      );
    },
    async grants(from, to) {
      for (let start = from; start < to; start += 20_000) {
        await client.query(
          `INSERT INTO ${table} (model, key, payload, expires_at, consumed_at, grant_id, uid, user_code)
           SELECT m.model, 'fill-' || m.model || '-' || i,
             jsonb_build_object('kind', m.model, 'jti', m.model || '-' || i, 'grantId', 'fill-' || i,
               'accountId', 'bench-filler-account', 'clientId', 'fill-client-' || (i % ${CLIENTS}),
               'scope', 'user', 'iat', $3::bigint, 'exp', $3::bigint + 3600, 'resource', $4::text, 'padding', $5::text),
             CASE WHEN m.model <> 'Grant' AND i % 3 = 0 THEN $3::bigint - 60
                  WHEN m.model = 'AccessToken' THEN $3::bigint + 3600 ELSE $3::bigint + ${14 * 86400} END,
             NULL, 'fill-' || i, NULL, NULL
           FROM generate_series($1::int, $2::int - 1) AS i
           CROSS JOIN (VALUES ('Grant'), ('AccessToken'), ('RefreshToken')) AS m(model)`,
          [start, Math.min(to, start + 20_000), NOW(), RESOURCE, PADDING],
        );
      }
      await client.query(`ANALYZE ${table}`);
    },
    count: async () =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n),
    close: () => client.end(),
  };
}

function rowsFor(database: string, results: readonly SizeResult[]): Row[] {
  const rows: Row[] = [];
  const base = results[0];
  for (const result of results) {
    const label = `Growth · AS (${database}) · ${result.grants.toLocaleString('en-US')} grants (${result.rows.toLocaleString('en-US')} rows)`;
    for (const endpoint of ENDPOINTS) {
      const value = median(result.throughput[endpoint]);
      rows.push({
        case: `${label} · ${endpoint} · ${CONNECTIONS} conn`,
        metric: 'throughput',
        value,
        unit: 'req/s',
        ...(base && base !== result ? { ratios: { empty: value / median(base.throughput[endpoint]) } } : {}),
        samples: result.throughput[endpoint],
      });
      rows.push({
        case: `${label} · ${endpoint} · ${CONNECTIONS} conn`,
        metric: 'p99 latency',
        value: median(result.p99[endpoint]),
        unit: 'ms',
        samples: result.p99[endpoint],
      });
    }
    rows.push({
      case: `${label} · purge of ${result.purge.deleted.toLocaleString('en-US')} expired rows during a refresh load`,
      metric: 'purge duration',
      value: result.purge.ms,
      unit: 'ms',
      note: `refresh meanwhile ${result.purge.throughput.toFixed(0)} req/s, p99 ${result.purge.p99Ms.toFixed(1)} ms, slowest ${result.purge.maxMs.toFixed(1)} ms`,
    });
  }
  return rows;
}
