/**
 * An A/B run: an earlier build beside this one, loaded in interleaved rounds (A, B, then B, A, …)
 * so that the machine's drift hits both alike. The earlier build is a copy of a package's `dist`
 * folder inside the repository (so that its imports resolve to this checkout's node_modules):
 *
 *   git stash && npm run build && cp -r packages/resource-server/dist bench-results/before-rs && git stash pop && npm run build
 *   node bench/ab.ts --program=rs --before=bench-results/before-rs [--runs=5] [--duration=3] [--connections=16,64]
 *   (the AS: mkdir bench-results/before-as && cp -r packages/authorization-server/{dist,assets} bench-results/before-as,
 *   since its pages read ../assets)
 *   node bench/ab.ts --program=as --before=bench-results/before-as/dist [--postgres] [--runs=5] [--duration=3]
 *
 * `rs`: both builds' `mcp-auth-rs --transport stateless` (introspection + cache) with the captured
 * 2026-07-28 `tools/call`. `as`: both builds' `startAuthorizationServer` in this process (each on
 * its own SQLite folder, or PostgreSQL schema with `--postgres`), driven by the AS case's refresh,
 * client_credentials and introspection workloads at 16 connections. Medians per variant on stdout.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { startAuthorizationServer } from '@mcp-auth/authorization-server';
import { type Endpoint, prepareWorkloads, RESOURCE } from './cases/as-throughput.ts';
import { measureInterleaved, type Subject, startResourceServers } from './cases/workers.ts';
import { runLoad } from './load.ts';
import {
  type BenchAuthorizationServer,
  dropSchema,
  findPostgres,
  freshSchemaName,
  startBenchAuthorizationServer,
} from './support/auth-server.ts';
import { type BenchContext, median } from './support/report.ts';

const { values } = parseArgs({
  options: {
    program: { type: 'string' },
    before: { type: 'string' },
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16,64' },
    postgres: { type: 'boolean', default: false },
  },
});
if ((values.program !== 'rs' && values.program !== 'as') || !values.before) {
  process.stderr.write(
    'usage: node bench/ab.ts --program=rs|as --before=DIST_COPY [--runs=5] [--duration=3]\n',
  );
  process.exit(2);
}
const before = resolve(values.before);
const ctx: BenchContext = {
  quick: false,
  runs: Number(values.runs),
  durationMs: Number(values.duration) * 1000,
  warmupMs: 1000,
  prewarmMs: 6000,
  log: (line) => process.stderr.write(`${line}\n`),
};
const print = (label: string, variant: string, samples: readonly number[], unit = 'req/s') =>
  process.stdout.write(
    `${label.padEnd(60)} ${variant.padEnd(8)} ${median(samples).toFixed(0).padStart(7)} ${unit}  (${samples.map((value) => value.toFixed(0)).join(', ')})\n`,
  );

if (values.program === 'rs') await abResourceServer();
else await abAuthorizationServer();

async function abResourceServer(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const pools = await startResourceServers(
      [
        { variant: 'before', workers: 1, entry: join(before, 'cli', 'main.js') },
        { variant: 'after', workers: 1 },
      ],
      cleanups,
    );
    const subjects: Subject[] = (values.connections ?? '16,64')
      .split(',')
      .map(Number)
      .flatMap((connections) =>
        pools.map((pool) => ({ ...pool, connections, label: `${pool.label} · ${connections} conn` })),
      );
    const results = await measureInterleaved(ctx, subjects, { attempts: 1 });
    for (const [subject, runs] of results) {
      print(
        subject.label,
        subject.variant,
        runs.map((run) => run.throughput),
      );
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

async function abAuthorizationServer(): Promise<void> {
  const earlier = (await import(pathToFileURL(join(before, 'index.js')).href)) as {
    startAuthorizationServer: typeof startAuthorizationServer;
  };
  const found = values.postgres ? await findPostgres() : undefined;
  if (found && !('url' in found)) throw new Error(found.skipped);
  const schemas: Array<{ url: string; schema: string }> = [];
  const postgres = () => {
    if (!found) return {};
    const target = { url: found.url, schema: freshSchemaName() };
    schemas.push(target);
    return { postgres: target };
  };
  const servers: Array<{ variant: string; as: BenchAuthorizationServer }> = [];
  try {
    const resources = [{ url: RESOURCE, tokenFormat: 'opaque' as const }];
    servers.push({
      variant: 'before',
      as: await startBenchAuthorizationServer({ resources, ...postgres() }, earlier.startAuthorizationServer),
    });
    servers.push({ variant: 'after', as: await startBenchAuthorizationServer({ resources, ...postgres() }) });
    const workloads = await Promise.all(servers.map(({ as }) => prepareWorkloads(as)));
    const endpoints: Endpoint[] = ['refresh', 'client_credentials', 'introspection'];
    const samples = new Map<string, number[]>();
    for (const [index, { as }] of servers.entries()) {
      for (const endpoint of endpoints) {
        await runLoad({
          port: as.port,
          connections: 16,
          durationMs: ctx.prewarmMs / 2,
          warmupMs: 0,
          workload: await (workloads[index] as Awaited<ReturnType<typeof prepareWorkloads>>)[endpoint](),
        });
      }
    }
    for (let round = 1; round <= ctx.runs; round++) {
      const order = round % 2 ? [0, 1] : [1, 0];
      for (const endpoint of endpoints) {
        for (const index of order) {
          const { variant, as } = servers[index] as (typeof servers)[number];
          const result = await runLoad({
            port: as.port,
            connections: 16,
            durationMs: ctx.durationMs,
            warmupMs: ctx.warmupMs,
            workload: await (workloads[index] as Awaited<ReturnType<typeof prepareWorkloads>>)[endpoint](),
          });
          const key = `${endpoint}\t${variant}`;
          samples.set(key, [...(samples.get(key) ?? []), result.throughput]);
          ctx.log(
            `  round ${round}/${ctx.runs} ${as.database} ${endpoint} ${variant}: ${result.throughput.toFixed(0)} req/s${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`,
          );
        }
      }
    }
    for (const [key, values] of samples) {
      const [endpoint, variant] = key.split('\t') as [string, string];
      print(`AS (${found ? 'PostgreSQL' : 'SQLite'}) ${endpoint} · 16 conn`, variant, values);
    }
  } finally {
    for (const { as } of servers) await as.close().catch(() => {});
    for (const target of schemas) await dropSchema(target).catch(() => {});
    if (found && 'stop' in found) await found.stop();
  }
}
