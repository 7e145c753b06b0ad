/**
 * Optional peer: the MCP TypeScript SDK v1's OAuth example (`simpleStreamableHttp.js --oauth`:
 * Express, 2025-era sessions, a demo in-memory AS in the same process, introspection on every
 * request, a console.log per request), beside our RS on the same kind of traffic (2025-11-25
 * sessions, with and without the introspection cache), our RS's 2026-07-28 stateless path and
 * the bare ceiling, all in one run. Skipped when `@modelcontextprotocol/sdk` v1 is not installed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { type RequestSpec, runLoad } from '../load.ts';
import { EXPECTED_RESULT } from '../support/capture.ts';
import { freePort } from '../support/children.ts';
import { busyNote, type Measured, measureQuietly, noteFor } from '../support/interference.ts';
import { type BenchContext, type CaseOutcome, median, type Row } from '../support/report.ts';
import { startRsStack } from '../support/rs-stack.ts';
import { open2025Session, sessionToolCall } from '../support/session-2025.ts';

const SDK = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/sdk/', import.meta.url));
const EXAMPLE = `${SDK}dist/esm/examples/server/simpleStreamableHttp.js`;
const CONNECTIONS = [16, 64] as const;

type PeerVariant = 'peer' | 'rs-session-nocache' | 'rs-session' | 'rs-stateless' | 'bare';
const LABELS: Record<PeerVariant, string> = {
  peer: 'SDK v1 example --oauth, 2025-11-25 session, introspection per request',
  'rs-session-nocache': 'RS, 2025-11-25 session, introspection, no cache',
  'rs-session': 'RS, 2025-11-25 session, introspection + cache',
  'rs-stateless': 'RS, 2026-07-28 stateless, introspection + cache',
  bare: 'bare node:http',
};

interface Target {
  readonly port: number;
  readonly pid: number;
  readonly expectBody: string;
  /** Requests for N connections (sessions are per connection: JSON-RPC ids are per session). */
  requests(connections: number): Promise<RequestSpec[]>;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The example's demo AS approves at once: register, authorize (a redirect with a code), redeem. */
async function peerToken(authPort: number, mcpPort: number): Promise<string> {
  const base = `http://127.0.0.1:${authPort}`;
  const redirectUri = 'http://127.0.0.1:9/callback';
  const registration = await fetch(`${base}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'mcp-auth-bench',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }),
  });
  const { client_id: clientId } = (await registration.json()) as { client_id: string };
  const { verifier, challenge } = createPkcePair();
  const resource = `http://localhost:${mcpPort}/mcp`;
  const authorize = new URL(`${base}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'bench',
    scope: 'mcp:tools',
    resource,
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? 'http://invalid/').searchParams.get('code');
  if (!code) throw new Error(`the peer AS gave no code (${redirect.status})`);
  const token = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource,
    }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`the peer AS gave no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

async function startPeer(): Promise<{ child: ChildProcess; target: Target }> {
  const mcpPort = await freePort();
  const authPort = await freePort();
  // Its per-request console.log goes to /dev/null, as a daemon's would.
  const child = spawn(process.execPath, [EXAMPLE, '--oauth'], {
    env: { ...process.env, MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${mcpPort}/.well-known/oauth-protected-resource/mcp`, 15_000);
    await waitFor(`http://127.0.0.1:${authPort}/.well-known/oauth-authorization-server`, 15_000);
    const token = await peerToken(authPort, mcpPort);
    return {
      child,
      target: {
        port: mcpPort,
        pid: child.pid ?? 0,
        expectBody: 'Hello, bench!',
        async requests(connections) {
          const requests: RequestSpec[] = [];
          for (let index = 0; index < connections; index++) {
            const session = await open2025Session(false, mcpPort, token);
            requests.push(sessionToolCall(mcpPort, token, session, 'greet', { name: 'bench' }));
          }
          return requests;
        },
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

export async function peerSdkV1(ctx: BenchContext): Promise<CaseOutcome> {
  if (!existsSync(EXAMPLE)) {
    return {
      rows: [],
      skipped: [
        'the SDK v1 peer: @modelcontextprotocol/sdk v1 is not installed (npm i -D @modelcontextprotocol/sdk@1)',
      ],
    };
  }
  const sdkVersion = (JSON.parse(readFileSync(`${SDK}package.json`, 'utf8')) as { version: string }).version;
  const stack = await startRsStack(['introspection', 'introspection-nocache', 'bare']);
  let peer: ChildProcess | undefined;
  try {
    const started = await startPeer();
    peer = started.child;
    const sessionTarget = (variant: 'introspection' | 'introspection-nocache'): Target => {
      const rs = stack.targets.get(variant);
      if (!rs?.token) throw new Error(`no ${variant} server`);
      const { port } = rs.child;
      const token = rs.token;
      return {
        port,
        pid: rs.child.pid,
        expectBody: EXPECTED_RESULT,
        async requests(connections) {
          const requests: RequestSpec[] = [];
          for (let index = 0; index < connections; index++) {
            const session = await open2025Session(false, port, token);
            requests.push(sessionToolCall(port, token, session, 'calculator', { expression: '2+3*4' }));
          }
          return requests;
        },
      };
    };
    const fixedTarget = (variant: 'introspection' | 'bare'): Target => {
      const rs = stack.targets.get(variant);
      if (!rs) throw new Error(`no ${variant} server`);
      return {
        port: rs.child.port,
        pid: rs.child.pid,
        expectBody: EXPECTED_RESULT,
        requests: async () => [rs.request],
      };
    };
    const targets: Record<PeerVariant, Target> = {
      peer: started.target,
      'rs-session-nocache': sessionTarget('introspection-nocache'),
      'rs-session': sessionTarget('introspection'),
      'rs-stateless': fixedTarget('introspection'),
      bare: fixedTarget('bare'),
    };
    const variants = Object.keys(targets) as PeerVariant[];
    const pids = variants.map((variant) => targets[variant].pid);
    const requests = new Map<string, RequestSpec[]>();
    for (const connections of CONNECTIONS) {
      for (const variant of variants) {
        requests.set(`${variant}@${connections}`, await targets[variant].requests(connections));
      }
    }
    const load = (variant: PeerVariant, connections: number, durationMs: number, warmupMs: number) => {
      const perConnection = requests.get(`${variant}@${connections}`) ?? [];
      const [request] = perConnection;
      if (!request) throw new Error(`no requests for ${variant}`);
      return runLoad({
        port: targets[variant].port,
        connections,
        durationMs,
        warmupMs,
        workload: {
          kind: 'fixed',
          request,
          perConnection,
          expectStatus: 200,
          expectBody: targets[variant].expectBody,
        },
      });
    };
    for (const variant of variants) await load(variant, CONNECTIONS[0], ctx.prewarmMs, 0);
    const results = new Map<string, Measured[]>();
    for (let round = 1; round <= ctx.runs; round++) {
      for (const connections of CONNECTIONS) {
        for (const variant of variants) {
          const { result, external, attempts } = await measureQuietly(
            pids,
            () => load(variant, connections, ctx.durationMs, ctx.warmupMs),
            { log: ctx.log, attempts: ctx.quick ? 1 : 3 },
          );
          const key = `${variant}@${connections}`;
          results.set(key, [...(results.get(key) ?? []), { ...result, externalCpu: external, attempts }]);
          ctx.log(
            `  round ${round}/${ctx.runs} ${variant} ×${connections}: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}${busyNote(external)}`,
          );
        }
      }
    }
    const throughput = (variant: PeerVariant, connections: number) =>
      median((results.get(`${variant}@${connections}`) ?? []).map((run) => run.throughput));
    const rows: Row[] = [];
    for (const connections of CONNECTIONS) {
      for (const variant of variants) {
        const runs = results.get(`${variant}@${connections}`) ?? [];
        const label = `Peer comparison · ${LABELS[variant]} · ${connections} conn`;
        const value = throughput(variant, connections);
        const ratios: Record<string, number> = {};
        if (variant !== 'peer' && variant !== 'bare')
          ratios['SDK v1 peer'] = value / throughput('peer', connections);
        if (variant !== 'bare') ratios.bare = value / throughput('bare', connections);
        rows.push({
          case: label,
          metric: 'throughput',
          value,
          unit: 'req/s',
          ratios,
          samples: runs.map((run) => run.throughput),
          ...noteFor(
            runs,
            runs.reduce((sum, run) => sum + run.errors, 0),
          ),
        });
        rows.push({
          case: label,
          metric: 'p50 latency',
          value: median(runs.map((run) => run.p50Ms)),
          unit: 'ms',
          samples: runs.map((run) => run.p50Ms),
        });
      }
    }
    return {
      rows,
      details: { sdkVersion, example: 'dist/esm/examples/server/simpleStreamableHttp.js --oauth' },
    };
  } finally {
    if (peer && peer.exitCode === null) {
      const child = peer;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(killer);
    }
    await stack.close();
  }
}
