/**
 * `npm run bench`: measures what users of the AS, the RS and the client care about, prints one
 * table and writes the numbers (with the machine they came from) to bench-results/latest.json.
 * A benchmark, not a test: the exit code says whether it ran, never how fast things were.
 *
 *   node bench/run.ts [--quick] [--only=rs,as,client,memory,peer,workers,growth] [--runs=N] [--duration=SECONDS] [--out=FILE]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asThroughput } from './cases/as-throughput.ts';
import { clientFirstResult } from './cases/client-first-result.ts';
import { dataGrowth } from './cases/data-growth.ts';
import { peerSdkV1 } from './cases/peer-sdk-v1.ts';
import { rsSessionMemory } from './cases/rs-session-memory.ts';
import { rsToolsCall } from './cases/rs-tools-call.ts';
import { workerCurve } from './cases/workers.ts';
import { BUSY_THRESHOLD, cpuSnapshot, externalShare, speedIndex } from './support/interference.ts';
import {
  type BenchContext,
  type CaseOutcome,
  type Row,
  renderTable,
  renderTargets,
  type Target,
} from './support/report.ts';

const CASES = {
  rs: { title: 'RS: authenticated tools/call', run: rsToolsCall },
  as: { title: 'AS: token grants, introspection, authorization code flow', run: asThroughput },
  client: { title: 'Client: launch to first tool result', run: clientFirstResult },
  memory: { title: 'RS: memory per 2025-era session', run: rsSessionMemory },
  peer: { title: 'Peer: the MCP SDK v1 OAuth example beside our RS', run: peerSdkV1 },
  workers: { title: 'Workers: AS and RS throughput with --workers 1, 2, N', run: workerCurve },
  growth: { title: 'Data growth: AS throughput with 10k and 100k stored grants', run: dataGrowth },
} as const;
type CaseName = keyof typeof CASES;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    duration: { type: 'string' },
    out: { type: 'string', default: 'bench-results/latest.json' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'node bench/run.ts [--quick] [--only=rs,as,client,memory,peer,workers,growth] [--runs=N] [--duration=SECONDS] [--out=FILE]\n',
  );
  process.exit(0);
}
const quick = values.quick ?? false;
// The optional peer runs in full mode only (or when asked for), to keep --quick short.
const defaults: CaseName[] = quick
  ? ['rs', 'as', 'client', 'memory']
  : ['rs', 'as', 'client', 'memory', 'peer', 'workers', 'growth'];
const selected = (values.only?.split(',').map((name) => name.trim()) ?? defaults) as CaseName[];
for (const name of selected) {
  if (!(name in CASES)) {
    process.stderr.write(`unknown case ${name}; the cases are ${Object.keys(CASES).join(', ')}\n`);
    process.exit(2);
  }
}
const positive = (value: string | undefined, fallback: number) => {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : fallback;
};
const context: BenchContext = {
  quick,
  runs: Math.round(positive(values.runs, quick ? 1 : 5)),
  durationMs: positive(values.duration, quick ? 0.8 : 3) * 1000,
  warmupMs: quick ? 200 : 1000,
  prewarmMs: quick ? 300 : 8000,
  log: (line) => process.stderr.write(`${line}\n`),
};

// Everything stops by itself: a run that hangs is ended here.
const watchdog = setTimeout(
  () => {
    process.stderr.write('bench: took too long; stopping\n');
    process.exit(1);
  },
  quick ? 180_000 : 60 * 60_000,
);
watchdog.unref();

function gitRevision(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return undefined;
  }
}

/** How busy the machine is without us: share of all CPUs used by other programs over `ms`. */
async function otherCpuLoad(ms: number): Promise<number> {
  const before = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return externalShare(before, cpuSnapshot());
}

const busyBefore = await otherCpuLoad(500);
const speedAtStart = speedIndex();
const environment = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${platform()} ${release()} ${arch()}`,
  cpuCount: cpus().length,
  availableParallelism: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
  revision: gitRevision(),
  /** CPU used by other processes just before the run (0–1); above ~0.1 the numbers are low and noisy. */
  otherCpuLoadBefore: Number(busyBefore.toFixed(3)),
  /** SHA-256 (1 KB) per ms on one thread at the start; each case records its own (`speedIndex`). */
  speedIndexAtStart: Math.round(speedAtStart),
};
if (busyBefore > BUSY_THRESHOLD) {
  context.log(
    `bench: WARNING: other processes used ${(busyBefore * 100).toFixed(0)}% of the CPUs just now; the numbers will be low and noisy`,
  );
}

const started = performance.now();
context.log(
  `bench: ${quick ? 'quick' : 'full'} mode, ${context.runs} run(s) of ${context.durationMs / 1000} s per measurement; node ${environment.node}, ${environment.cpuCount} CPUs`,
);
const outcomes: Partial<Record<CaseName, CaseOutcome & { seconds: number; speedIndex: number }>> = {};
const slowCases: string[] = [];
for (const name of selected) {
  const caseStarted = performance.now();
  const speed = speedIndex();
  context.log(
    `\n${CASES[name].title} (machine speed index ${speed.toFixed(0)}, ${speedAtStart.toFixed(0)} at the start)`,
  );
  // The host can slow a virtual machine down without any process of ours or others showing it.
  if (speed < speedAtStart * 0.8) slowCases.push(name);
  const outcome = await CASES[name].run(context);
  outcomes[name] = {
    ...outcome,
    speedIndex: Math.round(speed),
    seconds: Number(((performance.now() - caseStarted) / 1000).toFixed(1)),
  };
}

const rows: Row[] = selected.flatMap((name) => outcomes[name]?.rows ?? []);
const targets: Target[] = selected.flatMap((name) => outcomes[name]?.targets ?? []);
const skipped = selected.flatMap((name) => outcomes[name]?.skipped ?? []);
process.stdout.write(`\n${renderTable(rows)}\n`);
if (targets.length) {
  process.stdout.write(`\nTargets from the performance issue (informational):\n${renderTargets(targets)}\n`);
}
for (const note of skipped) process.stdout.write(`\nSkipped: ${note}\n`);
if (slowCases.length) {
  process.stdout.write(
    `\nThe machine ran slower than at the start before: ${slowCases.join(', ')} (speed index below 80%); compare ratios rather than absolute numbers.\n`,
  );
}

const out = resolve(values.out ?? 'bench-results/latest.json');
await mkdir(dirname(out), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      settings: {
        runs: context.runs,
        durationMs: context.durationMs,
        warmupMs: context.warmupMs,
        prewarmMs: context.prewarmMs,
        cases: selected,
      },
      environment,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      otherCpuLoadAfter: Number((await otherCpuLoad(500)).toFixed(3)),
      speedIndexAtEnd: Math.round(speedIndex()),
      rows,
      targets,
      skipped,
      cases: outcomes,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`\nWrote ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
