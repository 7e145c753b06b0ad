/**
 * CPU profile of one benchmark case, to see where the time goes. Writes the `.cpuprofile`
 * (open it in Chrome DevTools › Performance, or VS Code) and prints the top frames.
 *
 *   node bench/profile.ts                                   # RS, introspection + cache, 64 conn, 10 s
 *   node bench/profile.ts --target=rs --variant=noauth      # or jwt, introspection-nocache
 *   node bench/profile.ts --target=as --endpoint=introspection   # or client_credentials | refresh
 *   node bench/profile.ts --target=client                   # one `mcp-auth-client call` launch
 *
 * The RS and the client run as child processes under `--cpu-prof`; the AS runs in this process's
 * main thread and is profiled there through the inspector (the load generator is a worker thread,
 * so it is not in the profile).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Endpoint, prepareWorkloads, RESOURCE } from './cases/as-throughput.ts';
import { launch, signedInClient } from './cases/client-first-result.ts';
import { runLoad } from './load.ts';
import { startBenchAuthorizationServer } from './support/auth-server.ts';
import { EXPECTED_RESULT } from './support/capture.ts';
import { type CpuProfile, renderSummary, summarizeProfile } from './support/cpu-profile.ts';
import { type RsVariant, startRsStack } from './support/rs-stack.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'rs' },
    variant: { type: 'string', default: 'introspection' },
    endpoint: { type: 'string', default: 'introspection' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    out: { type: 'string', default: 'bench-results/profiles' },
  },
});
const connections = Number(values.connections);
const durationMs = Number(values.duration) * 1000;
const top = Number(values.top);
const dir = resolve(values.out ?? 'bench-results/profiles');
await mkdir(dir, { recursive: true });
const watchdog = setTimeout(() => {
  process.stderr.write('profile: took too long; stopping\n');
  process.exit(1);
}, durationMs + 120_000);
watchdog.unref();

/** Runs `work` in a child started with --cpu-prof into a fresh folder and returns the profile. */
async function childProfile(name: string, work: (execArgv: string[]) => Promise<void>): Promise<CpuProfile> {
  const folder = join(dir, `.${name}-${process.pid}`);
  await mkdir(folder, { recursive: true });
  await work(['--cpu-prof', `--cpu-prof-dir=${folder}`]);
  const files = (await readdir(folder)).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error('the child wrote no profile');
  const text = await readFile(join(folder, files[0] ?? ''), 'utf8');
  await rm(folder, { recursive: true, force: true });
  await writeFile(join(dir, `${name}.cpuprofile`), text);
  return JSON.parse(text) as CpuProfile;
}

let name: string;
let profile: CpuProfile;
let load: Awaited<ReturnType<typeof runLoad>> | undefined;
/** The measured part of the load (after its warm-up), on the clock V8 stamps samples with. */
let measuredWindow: { fromUs: number; toUs: number } | undefined;
const WARM_UP_MS = 1000;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
async function measuredLoad(options: Parameters<typeof runLoad>[0]) {
  const fromUs = nowUs() + options.warmupMs * 1000;
  const result = await runLoad(options);
  measuredWindow = { fromUs, toUs: nowUs() };
  return result;
}
if (values.target === 'rs') {
  const variant = values.variant as RsVariant;
  name = `rs-${variant}-${connections}conn`;
  profile = await childProfile(name, async (execArgv) => {
    const stack = await startRsStack([variant], { execArgv: () => execArgv });
    try {
      const target = stack.targets.get(variant);
      if (!target) throw new Error(`unknown variant ${variant}`);
      load = await measuredLoad({
        port: target.child.port,
        connections,
        durationMs,
        warmupMs: WARM_UP_MS,
        workload: { kind: 'fixed', request: target.request, expectStatus: 200, expectBody: EXPECTED_RESULT },
      });
    } finally {
      await stack.close();
    }
  });
} else if (values.target === 'as') {
  const endpoint = values.endpoint as Endpoint;
  name = `as-sqlite-${endpoint}-${connections}conn`;
  const as = await startBenchAuthorizationServer({ resources: [{ url: RESOURCE, tokenFormat: 'opaque' }] });
  try {
    const workloads = await prepareWorkloads(as, connections);
    const workload = await workloads[endpoint]();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    load = await measuredLoad({ port: as.port, connections, durationMs, warmupMs: WARM_UP_MS, workload });
    const { profile: taken } = await session.post('Profiler.stop');
    session.disconnect();
    profile = taken as unknown as CpuProfile;
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  } finally {
    await as.close();
  }
} else if (values.target === 'client') {
  name = 'client-call-stored-tokens';
  const client = await signedInClient();
  try {
    profile = await childProfile(name, async (execArgv) => {
      const run = await launch([...execArgv, ...client.args], client.env);
      if (run.code !== 0) throw new Error(`the client failed: ${run.stderr}`);
      process.stderr.write(
        `client: first result after ${run.firstOutputMs.toFixed(0)} ms (under the profiler)\n`,
      );
    });
  } finally {
    await client.close();
  }
} else {
  process.stderr.write('--target is rs, as or client\n');
  process.exit(2);
}

if (load) {
  process.stdout.write(
    `load: ${load.throughput.toFixed(0)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms, ${load.errors} errors (under the profiler)\n\n`,
  );
}
const summary = summarizeProfile(profile, top, measuredWindow);
process.stdout.write(`${renderSummary(summary, name)}\n`);
await writeFile(join(dir, `${name}.summary.json`), `${JSON.stringify({ load, ...summary }, null, 2)}\n`);
process.stdout.write(`\nWrote ${join(dir, `${name}.cpuprofile`)} and ${name}.summary.json\n`);
