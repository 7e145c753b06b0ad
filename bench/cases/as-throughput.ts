/**
 * Case 2: the Authorization Server's token endpoint (refresh_token and client_credentials
 * grants), its introspection endpoint, and the cost of one whole authorization code flow, on
 * SQLite and on PostgreSQL (the machine's, else an embedded one; a fresh schema, dropped afterwards).
 */
import { runLoad, type Workload } from '../load.ts';
import {
  type BenchAuthorizationServer,
  CookieJar,
  dropSchema,
  findPostgres,
  freshSchemaName,
  type PostgresTarget,
  startBenchAuthorizationServer,
} from '../support/auth-server.ts';
import { busyNote, type Measured, measureQuietly, noteFor } from '../support/interference.ts';
import { type BenchContext, type CaseOutcome, median, type Row, type Target } from '../support/report.ts';

export const CONNECTIONS = 16;
/** Named in tokens' audience only; nothing listens there. */
export const RESOURCE = 'http://127.0.0.1:9/mcp';

export type Endpoint = 'refresh' | 'client_credentials' | 'introspection';
const ENDPOINT_LABELS: Record<Endpoint, string> = {
  refresh: 'token endpoint, refresh_token grant (rotating)',
  client_credentials: 'token endpoint, client_credentials grant',
  introspection: 'introspection endpoint',
};

interface BackendResult {
  readonly loads: Map<Endpoint, Measured[]>;
  readonly flowsMs: number[];
}

/** The three AS workloads, ready to run against `as` (each call builds a fresh one). */
export async function prepareWorkloads(
  as: BenchAuthorizationServer,
  connections: number = CONNECTIONS,
): Promise<Record<Endpoint, () => Promise<Workload>>> {
  const jobAuthorization = await as.registerConfidentialClient('client_credentials');
  const rsAuthorization = await as.registerConfidentialClient('resource_server');
  const jar = new CookieJar();
  const introspected = (await as.signIn(RESOURCE, jar)).access_token;
  const form = { 'content-type': 'application/x-www-form-urlencoded', host: as.host };
  return {
    // Each connection needs a chain of its own; a fresh one per run (the same browser session,
    // so after the first these flows skip the pages).
    refresh: async () => {
      const refreshTokens: string[] = [];
      for (let index = 0; index < connections; index++) {
        refreshTokens.push((await as.signIn(RESOURCE, jar)).refresh_token);
      }
      return {
        kind: 'refresh-chain',
        path: '/token',
        host: as.host,
        clientId: as.publicClientId,
        refreshTokens,
      };
    },
    client_credentials: async () => ({
      kind: 'fixed',
      request: {
        method: 'POST',
        path: '/token',
        headers: { ...form, authorization: jobAuthorization },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: RESOURCE,
          scope: 'user',
        }).toString(),
      },
      expectStatus: 200,
      expectBody: '"access_token"',
    }),
    // As the resource server asks (RFC 7662, authenticated with its own credentials).
    introspection: async () => ({
      kind: 'fixed',
      request: {
        method: 'POST',
        path: '/token/introspection',
        headers: { ...form, authorization: rsAuthorization, accept: 'application/json' },
        body: new URLSearchParams({ token: introspected, token_type_hint: 'access_token' }).toString(),
      },
      expectStatus: 200,
      expectBody: '"active":true',
    }),
  };
}

async function measureBackend(ctx: BenchContext, postgres?: PostgresTarget): Promise<BackendResult> {
  const as = await startBenchAuthorizationServer({
    resources: [{ url: RESOURCE, tokenFormat: 'opaque' }],
    ...(postgres ? { postgres } : {}),
  });
  try {
    const workloads = await prepareWorkloads(as);
    const loads = new Map<Endpoint, Measured[]>();
    const flowsMs: number[] = [];
    const flowsPerRound = ctx.quick ? 3 : 2;
    for (const endpoint of Object.keys(workloads) as Endpoint[]) {
      await runLoad({
        port: as.port,
        connections: CONNECTIONS,
        durationMs: ctx.prewarmMs,
        warmupMs: 0,
        workload: await workloads[endpoint](),
      });
    }
    for (let round = 1; round <= ctx.runs; round++) {
      for (const endpoint of Object.keys(workloads) as Endpoint[]) {
        const { result, external, attempts } = await measureQuietly(
          [],
          async () =>
            runLoad({
              port: as.port,
              connections: CONNECTIONS,
              durationMs: ctx.durationMs,
              warmupMs: ctx.warmupMs,
              workload: await workloads[endpoint](),
            }),
          // PostgreSQL's own processes work for us here.
          { log: ctx.log, attempts: ctx.quick ? 1 : 3, processNames: postgres ? ['postgres'] : [] },
        );
        loads.set(endpoint, [...(loads.get(endpoint) ?? []), { ...result, externalCpu: external, attempts }]);
        ctx.log(
          `  ${as.database} round ${round}/${ctx.runs} ${endpoint}: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}${busyNote(external)}`,
        );
      }
      flowsMs.push(...(await timeFlows(as, flowsPerRound)));
    }
    ctx.log(`  ${as.database} authorization code flows: ${flowsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    return { loads, flowsMs };
  } finally {
    await as.close();
  }
}

/** Whole flows, one after another, each a new browser (sign-in with the password, consent). */
async function timeFlows(as: BenchAuthorizationServer, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await as.signIn(RESOURCE);
    times.push(performance.now() - started);
  }
  return times;
}

function rowsFor(name: string, result: BackendResult, reference?: BackendResult): Row[] {
  const rows: Row[] = [];
  const throughput = (backend: BackendResult, endpoint: Endpoint) =>
    median((backend.loads.get(endpoint) ?? []).map((load) => load.throughput));
  for (const endpoint of Object.keys(ENDPOINT_LABELS) as Endpoint[]) {
    const runs = result.loads.get(endpoint) ?? [];
    const label = `AS (${name}) · ${ENDPOINT_LABELS[endpoint]} · ${CONNECTIONS} conn`;
    const errors = runs.reduce((sum, load) => sum + load.errors, 0);
    rows.push({
      case: label,
      metric: 'throughput',
      value: throughput(result, endpoint),
      unit: 'req/s',
      ...(reference
        ? { ratios: { SQLite: throughput(result, endpoint) / throughput(reference, endpoint) } }
        : {}),
      samples: runs.map((load) => load.throughput),
      ...noteFor(runs, errors),
    });
    rows.push({
      case: label,
      metric: 'p50 latency',
      value: median(runs.map((load) => load.p50Ms)),
      unit: 'ms',
      samples: runs.map((load) => load.p50Ms),
    });
    rows.push({
      case: label,
      metric: 'p99 latency',
      value: median(runs.map((load) => load.p99Ms)),
      unit: 'ms',
      samples: runs.map((load) => load.p99Ms),
    });
  }
  rows.push({
    case: `AS (${name}) · authorization code flow, headless, one at a time`,
    metric: 'duration',
    value: median(result.flowsMs),
    unit: 'ms',
    ...(reference ? { ratios: { SQLite: median(result.flowsMs) / median(reference.flowsMs) } } : {}),
    samples: result.flowsMs,
  });
  return rows;
}

export async function asThroughput(ctx: BenchContext): Promise<CaseOutcome> {
  const sqlite = await measureBackend(ctx);
  let postgresql: BackendResult | undefined;
  const rows = rowsFor('SQLite', sqlite);
  const skipped: string[] = [];
  const found = await findPostgres();
  if ('url' in found) {
    ctx.log(`  PostgreSQL: ${found.description}`);
    const target = { url: found.url, schema: freshSchemaName() };
    try {
      postgresql = await measureBackend(ctx, target);
      rows.push(...rowsFor('PostgreSQL', postgresql, sqlite));
    } finally {
      await dropSchema(target).catch((error: Error) =>
        ctx.log(`  could not drop ${target.schema}: ${error.message}`),
      );
      await found.stop();
    }
  } else {
    skipped.push(found.skipped);
    ctx.log(`  ${found.skipped}; PostgreSQL skipped`);
  }

  const sqliteThroughput = (endpoint: Endpoint) =>
    median((sqlite.loads.get(endpoint) ?? []).map((load) => load.throughput));
  const targets: Target[] = [
    ...(['refresh', 'client_credentials'] as const).map((endpoint) => ({
      name: `AS on SQLite: ${ENDPOINT_LABELS[endpoint]}`,
      goal: '≥ 1,500 grants/s',
      actual: `${sqliteThroughput(endpoint).toFixed(0)} grants/s`,
      met: sqliteThroughput(endpoint) >= 1500,
    })),
    {
      name: 'AS on SQLite: introspection',
      goal: '≥ 5,000 introspections/s',
      actual: `${sqliteThroughput('introspection').toFixed(0)} introspections/s`,
      met: sqliteThroughput('introspection') >= 5000,
    },
  ];
  const runs = (result: BackendResult) => ({
    ...Object.fromEntries(result.loads),
    authorizationCodeFlowMs: result.flowsMs,
  });
  return {
    rows,
    targets,
    skipped,
    details: {
      connections: CONNECTIONS,
      sqlite: runs(sqlite),
      ...(postgresql ? { postgresql: runs(postgresql) } : {}),
    },
  };
}
