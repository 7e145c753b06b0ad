/**
 * Case 3: how long `mcp-auth-client call …` takes, from launch to the first tool result on
 * stdout, with stored tokens (after one sign-in, done headlessly through the real pages), against
 * the real AS and RS. Node's own start-up (`node -e 0`) is measured beside it as the floor.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { approveInBrowser } from '@mcp-auth/test-support/headless-browser';
import { startBenchAuthorizationServer, USER } from '../support/auth-server.ts';
import { freePort, type ServerChild, startServerChild } from '../support/children.ts';
import { BUSY_THRESHOLD, measureQuietly } from '../support/interference.ts';
import { type BenchContext, type CaseOutcome, median, type Target } from '../support/report.ts';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT = join(REPOSITORY, 'packages/client/dist/cli.js');
const EXPECTED = '1+1 = 2';

export interface Launch {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to the first byte on stdout (the result). */
  readonly firstOutputMs: number;
  /** From spawn to exit. */
  readonly exitMs: number;
}

export function launch(
  args: string[],
  env: Record<string, string>,
  onStderr?: (text: string) => void,
  timeoutMs = 60_000,
): Promise<Launch> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstOutputMs = Number.NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, args, {
      cwd: REPOSITORY,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (Number.isNaN(firstOutputMs)) firstOutputMs = performance.now() - started;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, firstOutputMs, exitMs: performance.now() - started });
    });
  });
}

export interface SignedInClient {
  /** `node` arguments of `mcp-auth-client call calculator '{"expression":"1+1"}'` with stored tokens. */
  readonly args: string[];
  readonly env: Record<string, string>;
  /** The resource server's process (the AS runs in this one). */
  readonly pids: number[];
  close(): Promise<void>;
}

/** A real AS and RS (as `mcp-auth-rs` runs by default) and a client store that is signed in. */
export async function signedInClient(): Promise<SignedInClient> {
  const port = await freePort();
  const resourceUrl = `http://127.0.0.1:${port}/mcp`;
  const home = await mkdtemp(join(tmpdir(), 'mcp-auth-bench-client-'));
  const as = await startBenchAuthorizationServer({
    resources: [{ url: resourceUrl, tokenFormat: 'opaque' }],
  });
  let rs: ServerChild | undefined;
  const close = async () => {
    await rs?.stop();
    await as.close();
    await rm(home, { recursive: true, force: true });
  };
  try {
    // Introspection with the default 30 s cache.
    rs = await startServerChild({
      mode: 'rs',
      port,
      authServer: as.issuer,
      resourceUrl,
      tokenVerification: 'introspection',
      introspectionCacheSeconds: 30,
      devCredentialsFile: as.devCredentialsFile,
    });
    const env = {
      NO_COLOR: '1',
      XDG_STATE_HOME: join(home, 'state'),
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
    };
    const args = [
      CLIENT,
      'call',
      'calculator',
      '{"expression":"1+1"}',
      `--url=${resourceUrl}`,
      `--store=${join(home, 'store')}`,
      '--callback-port=0',
    ];
    // One sign-in: --no-browser prints the URL; we play the person in the browser.
    let approving: Promise<void> | undefined;
    const signIn = await launch([...args, '--no-browser'], env, (stderr) => {
      const match = /Sign in at: (\S+)/.exec(stderr);
      if (!match?.[1] || approving) return;
      const authorizationUrl = new URL(match[1]);
      const redirectUri = authorizationUrl.searchParams.get('redirect_uri') ?? 'http://127.0.0.1';
      approving = approveInBrowser(authorizationUrl, USER, redirectUri).then(async (callback) => {
        await (await fetch(callback)).text();
      });
      // Awaited below; if it fails, the client gives up waiting within launch()'s time limit.
      approving.catch(() => {});
    });
    await approving;
    if (signIn.code !== 0 || !signIn.stdout.includes(EXPECTED)) {
      throw new Error(`the sign-in run failed (${signIn.code}): ${signIn.stderr}`);
    }
    return { args, env, pids: [rs.pid], close };
  } catch (error) {
    await close();
    throw error;
  }
}

type Timed = Launch & { readonly externalCpu: number };

function busyRuns(runs: readonly Timed[]): { note?: string } {
  const worst = Math.max(0, ...runs.map((run) => run.externalCpu));
  return worst > BUSY_THRESHOLD
    ? { note: `busy machine: up to ${(worst * 100).toFixed(0)}% CPU used by others` }
    : {};
}

export async function clientFirstResult(ctx: BenchContext): Promise<CaseOutcome> {
  const launches = ctx.quick ? 3 : 10;
  const { args, env, pids, close } = await signedInClient();
  try {
    const client: Timed[] = [];
    const node: Timed[] = [];
    const timed = async (launchArgs: string[]): Promise<Timed> => {
      const { result, external } = await measureQuietly(pids, () => launch(launchArgs, env), {
        log: ctx.log,
        attempts: ctx.quick ? 1 : 3,
      });
      return { ...result, externalCpu: external };
    };
    // One unmeasured launch of each first (file cache), then alternate them.
    await launch(args, env);
    await launch(['-e', '0'], env);
    for (let index = 0; index < launches; index++) {
      const run = await timed(args);
      if (run.code !== 0 || !run.stdout.includes(EXPECTED) || run.stderr.includes('Sign in at')) {
        throw new Error(`a launch with stored tokens failed (${run.code}): ${run.stderr}`);
      }
      client.push(run);
      node.push(await timed(['-e', '0']));
    }
    ctx.log(`  client first result: ${client.map((run) => run.firstOutputMs.toFixed(0)).join(', ')} ms`);
    const first = median(client.map((run) => run.firstOutputMs));
    const exit = median(client.map((run) => run.exitMs));
    const floor = median(node.map((run) => run.exitMs));
    const targets: Target[] = [
      {
        name: 'client: launch to first tool result with stored tokens',
        goal: '≤ 400 ms',
        actual: `${first.toFixed(0)} ms`,
        met: first <= 400,
      },
    ];
    const label = 'Client · `call calculator` with stored tokens';
    return {
      rows: [
        {
          case: label,
          metric: 'launch → first result',
          value: first,
          unit: 'ms',
          ratios: { 'node -e 0': first / floor },
          samples: client.map((run) => run.firstOutputMs),
          ...busyRuns(client),
        },
        {
          case: label,
          metric: 'launch → exit',
          value: exit,
          unit: 'ms',
          samples: client.map((run) => run.exitMs),
        },
        {
          case: 'Node.js start-up floor (`node -e 0`)',
          metric: 'launch → exit',
          value: floor,
          unit: 'ms',
          samples: node.map((run) => run.exitMs),
        },
      ],
      targets,
      details: {
        launches,
        command:
          'node packages/client/dist/cli.js call calculator \'{"expression":"1+1"}\' --url=… --store=…',
      },
    };
  } finally {
    await close();
  }
}
