/**
 * Case 6 (`--only=workers`): throughput against the number of `--workers`: the real bins, as an
 * operator starts them. The RS (`--transport stateless`, introspection + cache) with the captured
 * 2026-07-28 `tools/call` at 64 connections; the AS on SQLite with introspection and the
 * `client_credentials` grant at 16 connections. 1 and 2 workers, and one per CPU when the
 * machine has more than 2. Each row says how much of a core the load generator itself used, since
 * on a small machine it competes with the workers for the same CPUs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, startAuthorizationServer } from '@mcp-auth/authorization-server';
import { basicAuth } from '@mcp-auth/test-support/oauth-flow';
import { requestOnce, runLoad, type Workload } from '../load.ts';
import { CookieJar, startBenchAuthorizationServer } from '../support/auth-server.ts';
import { captureToolsCall, EXPECTED_RESULT, toolsCallRequest } from '../support/capture.ts';
import { freePort } from '../support/children.ts';
import { busyNote, type Measured, measureQuietly, noteFor } from '../support/interference.ts';
import { type BenchContext, type CaseOutcome, median, type Row } from '../support/report.ts';
import { startWorkerPoolServer, type WorkerPoolServer } from '../support/worker-pool-server.ts';

const RS_CONNECTIONS = 64;
const AS_CONNECTIONS = 16;
/** Named in tokens' audience only; nothing listens there. */
const RESOURCE = 'http://127.0.0.1:9/mcp';

export type AsEndpoint = 'introspection' | 'client_credentials';

export interface Subject {
  readonly label: string;
  /** Which build or setting, for A/B runs (e.g. "before", "after"); the worker count otherwise. */
  readonly variant: string;
  readonly workers: number;
  readonly port: number;
  readonly server: WorkerPoolServer;
  readonly workload: Workload;
  readonly connections: number;
}

export function workerCounts(cpus: number = availableParallelism()): number[] {
  return cpus > 2 ? [1, 2, cpus] : [1, 2];
}

export async function workerCurve(ctx: BenchContext): Promise<CaseOutcome> {
  const counts = workerCounts();
  const rows: Row[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const choices = counts.map((workers) => ({ variant: `${workers} worker(s)`, workers }));
    const subjects = [
      ...(await startResourceServers(choices, cleanups)),
      ...(await startAuthorizationServers(choices, cleanups)),
    ];
    const results = await measureInterleaved(ctx, subjects);
    for (const subject of subjects) {
      const runs = results.get(subject) ?? [];
      const one = subjects.find((other) => other.label === subject.label && other.workers === 1);
      const throughput = median(runs.map((run) => run.throughput));
      const oneThroughput = one ? median((results.get(one) ?? []).map((run) => run.throughput)) : Number.NaN;
      const generator = median(runs.map((run) => run.generatorCpuShare));
      const errors = runs.reduce((sum, run) => sum + run.errors, 0);
      const noted = noteFor(runs, errors).note;
      rows.push({
        case: `Workers · ${subject.label} · ${subject.connections} conn · ${subject.workers} worker(s)`,
        metric: 'throughput',
        value: throughput,
        unit: 'req/s',
        ...(subject.workers === 1 ? {} : { ratios: { '1 worker': throughput / oneThroughput } }),
        samples: runs.map((run) => run.throughput),
        note: [`load generator ${(generator * 100).toFixed(0)}% of a core`, noted].filter(Boolean).join('; '),
      });
      rows.push({
        case: `Workers · ${subject.label} · ${subject.connections} conn · ${subject.workers} worker(s)`,
        metric: 'p50 latency',
        value: median(runs.map((run) => run.p50Ms)),
        unit: 'ms',
        samples: runs.map((run) => run.p50Ms),
      });
    }
    return {
      rows,
      details: {
        counts,
        cpus: availableParallelism(),
        runs: Object.fromEntries(
          [...results].map(([subject, runs]) => [`${subject.label} · ${subject.workers}`, runs]),
        ),
      },
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

/** One RS pool per count, all trusting one in-process AS (its introspection answers are cached). */
export interface PoolChoice {
  readonly variant: string;
  readonly workers: number;
  /** Another build's entry file (A/B runs); the bin when absent. */
  readonly entry?: string;
}

export async function startResourceServers(
  choices: readonly PoolChoice[],
  cleanups: Array<() => Promise<void>>,
): Promise<Subject[]> {
  const captured = await captureToolsCall();
  const ports = await Promise.all(choices.map(() => freePort()));
  const resourceUrl = (port: number) => `http://127.0.0.1:${port}/mcp`;
  const as = await startBenchAuthorizationServer({
    resources: ports.map((port) => ({ url: resourceUrl(port), tokenFormat: 'opaque' as const })),
  });
  cleanups.push(() => as.close());
  const jar = new CookieJar();
  const subjects: Subject[] = [];
  for (const [index, { variant, workers, entry }] of choices.entries()) {
    const port = ports[index] as number;
    const server = await startWorkerPoolServer(
      'rs',
      [
        `--workers=${workers}`,
        '--transport=stateless',
        `--port=${port}`,
        `--auth-server=${as.issuer}`,
        `--resource-url=${resourceUrl(port)}`,
        `--dev-credentials-file=${as.devCredentialsFile}`,
        '--log-level=warn',
      ],
      entry,
    );
    cleanups.push(() => server.stop());
    const request = toolsCallRequest(captured, port, (await as.signIn(resourceUrl(port), jar)).access_token);
    const answer = await requestOnce(port, request);
    if (answer.status !== 200 || !answer.body.includes(EXPECTED_RESULT)) {
      throw new Error(
        `the RS with ${workers} worker(s) answered ${answer.status}: ${answer.body.slice(0, 300)}`,
      );
    }
    subjects.push({
      label: 'RS tools/call (stateless, introspection + cache)',
      variant,
      workers,
      port,
      server,
      connections: RS_CONNECTIONS,
      workload: { kind: 'fixed', request, expectStatus: 200, expectBody: EXPECTED_RESULT },
    });
  }
  return subjects;
}

/**
 * One AS pool per count, each on a data folder of its own: prepared in this process (a job client,
 * a resource server client, one access token), then served by the bin on the same port and issuer.
 */
export async function startAuthorizationServers(
  choices: readonly PoolChoice[],
  cleanups: Array<() => Promise<void>>,
  endpoints: readonly AsEndpoint[] = ['introspection', 'client_credentials'],
): Promise<Subject[]> {
  const subjects: Subject[] = [];
  for (const { variant, workers, entry } of choices) {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-bench-workers-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const prepared = await prepareDataDir(dataDir, port, issuer);
    const server = await startWorkerPoolServer(
      'as',
      [
        `--workers=${workers}`,
        `--port=${port}`,
        '--host=127.0.0.1',
        `--issuer=${issuer}`,
        `--data-dir=${dataDir}`,
        `--resource=${RESOURCE}`,
        '--resource-scopes=user',
        '--resource-token-format=opaque',
        '--log-level=warn',
      ],
      entry,
    );
    cleanups.push(() => server.stop());
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: `127.0.0.1:${port}` };
    const all: Record<AsEndpoint, Subject> = {
      introspection: {
        label: 'AS introspection (SQLite)',
        variant,
        workers,
        port,
        server,
        connections: AS_CONNECTIONS,
        workload: {
          kind: 'fixed',
          request: {
            method: 'POST',
            path: '/token/introspection',
            headers: { ...form, authorization: prepared.resourceServer, accept: 'application/json' },
            body: new URLSearchParams({
              token: prepared.accessToken,
              token_type_hint: 'access_token',
            }).toString(),
          },
          expectStatus: 200,
          expectBody: '"active":true',
        },
      },
      client_credentials: {
        label: 'AS client_credentials grant (SQLite)',
        variant,
        workers,
        port,
        server,
        connections: AS_CONNECTIONS,
        workload: {
          kind: 'fixed',
          request: {
            method: 'POST',
            path: '/token',
            headers: { ...form, authorization: prepared.job },
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              resource: RESOURCE,
              scope: 'user',
            }).toString(),
          },
          expectStatus: 200,
          expectBody: '"access_token"',
        },
      },
    };
    subjects.push(...endpoints.map((endpoint) => all[endpoint]));
  }
  return subjects;
}

async function prepareDataDir(
  dataDir: string,
  port: number,
  issuer: string,
): Promise<{ job: string; resourceServer: string; accessToken: string }> {
  const as = await startAuthorizationServer(
    {
      port,
      host: '127.0.0.1',
      issuer,
      dataDir,
      resources: [
        {
          uri: RESOURCE,
          name: RESOURCE,
          scopes: [{ name: 'user', description: 'The "user" permission of this server' }],
          tokenFormat: 'opaque',
        },
      ],
    },
    { logger: silentLogger },
  );
  try {
    const job = await as.registerClient({
      name: 'Bench job',
      grantTypes: ['client_credentials'],
      scope: 'user',
    });
    const rs = await as.registerClient({ name: 'Bench RS', resourceServer: true, resources: [RESOURCE] });
    const jobAuthorization = basicAuth(job.client_id, job.client_secret ?? '');
    const answer = await requestOnce(port, {
      method: 'POST',
      path: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        host: `127.0.0.1:${port}`,
        authorization: jobAuthorization,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: RESOURCE,
        scope: 'user',
      }).toString(),
    });
    const accessToken = (JSON.parse(answer.body) as { access_token?: string }).access_token;
    if (!accessToken) throw new Error(`no client_credentials token: ${answer.status} ${answer.body}`);
    return {
      job: jobAuthorization,
      resourceServer: basicAuth(rs.client_id, rs.client_secret ?? ''),
      accessToken,
    };
  } finally {
    await as.close();
  }
}

/** A prewarm for each subject, then `ctx.runs` rounds, every subject once per round, order reversed every other round. */
export async function measureInterleaved(
  ctx: BenchContext,
  subjects: readonly Subject[],
  options: { attempts?: number } = {},
): Promise<Map<Subject, Measured[]>> {
  const results = new Map<Subject, Measured[]>();
  for (const subject of subjects) {
    await runLoad({
      port: subject.port,
      connections: subject.connections,
      durationMs: ctx.prewarmMs,
      warmupMs: 0,
      workload: subject.workload,
    });
  }
  for (let round = 1; round <= ctx.runs; round++) {
    // Interleaved: every server once per round, in reverse order every other round.
    const order = round % 2 ? subjects : [...subjects].reverse();
    for (const subject of order) {
      const { result, external, attempts } = await measureQuietly(
        subject.server.pids,
        () =>
          runLoad({
            port: subject.port,
            connections: subject.connections,
            durationMs: ctx.durationMs,
            warmupMs: ctx.warmupMs,
            workload: subject.workload,
          }),
        { log: ctx.log, attempts: options.attempts ?? (ctx.quick ? 1 : 3) },
      );
      results.set(subject, [...(results.get(subject) ?? []), { ...result, externalCpu: external, attempts }]);
      ctx.log(
        `  round ${round}/${ctx.runs} ${subject.label}, ${subject.variant}: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, load generator ${(result.generatorCpuShare * 100).toFixed(0)}% of a core${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}${busyNote(external)}`,
      );
    }
  }
  return results;
}
