import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mcp-auth/test-support/free-port';
import { testDatabaseUrl } from '@mcp-auth/test-support/postgres';
import pg from 'pg';
import { type RunningProcess, startCommand } from '../../../resource-server/test/support/processes.ts';
import { type RunningNginx, startNginx } from './nginx.ts';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
export const AS_CLI = join(REPOSITORY, 'packages', 'authorization-server', 'dist', 'cli.js');
export const RS_CLI = join(REPOSITORY, 'packages', 'resource-server', 'dist', 'cli', 'main.js');

export const USER = { username: 'alice', password: 'correct horse battery staple' } as const;

export interface Instance {
  /** `as-1`, `rs-2`, …: how assertions name it. */
  readonly name: string;
  /** `127.0.0.1:port`, as nginx's `$upstream_addr` reports it. */
  readonly address: string;
  readonly process: RunningProcess;
}

/**
 * Two `mcp-auth-as` and two `mcp-auth-rs` processes on one PostgreSQL schema, behind one nginx on
 * loopback: the README's "Beyond one machine", with the public origin `issuer` being nginx.
 */
export interface Deployment {
  readonly issuer: string;
  readonly resourceUrl: string;
  readonly schema: string;
  readonly authorizationServers: readonly Instance[];
  readonly resourceServers: readonly Instance[];
  /** The nginx running now. */
  readonly nginx: RunningNginx;
  /** Replaces nginx by one balancing the RS instances differently (same port and routing). */
  restartNginx(rsBalancing?: string): Promise<void>;
  /** The resource server's introspection credentials (`clients add --resource-server`). */
  readonly rsCredentials: { readonly clientId: string; readonly clientSecret: string };
  /** The shared database, for checks on what is stored. */
  readonly db: pg.Pool;
  /** The instance behind an address from `X-Upstream`. */
  instanceAt(address: string): Instance | undefined;
  /** Everything the instances and nginx printed, for a failure message. */
  logs(): string;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Runs an `mcp-auth-as` subcommand to completion (bounded), returning its stdout. */
async function runAsCommand(args: string[], env: Record<string, string>, input = ''): Promise<string> {
  const child = spawn(process.execPath, [AS_CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`mcp-auth-as ${args.join(' ')} exited ${code}:\n${stdout}${stderr}`);
  return stdout;
}

/**
 * Starts everything, registering each piece's teardown in `cleanup` as soon as it exists, so a
 * failure half-way still leaves nothing behind once the caller runs `cleanup`.
 */
export async function startDeployment(cleanup: Array<() => Promise<void>>): Promise<Deployment> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-auth-lb-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const schema = `mcp_auth_lb_${process.pid}_${randomBytes(4).toString('hex')}`;
  const DATABASE_URL = await testDatabaseUrl();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  cleanup.push(async () => {
    try {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await db.end();
    }
  });

  const [lbPort, as1, as2, rs1, rs2] = (await distinctFreePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const issuer = `http://127.0.0.1:${lbPort}`;
  const resourceUrl = `${issuer}/mcp`;
  const databaseEnv = { DATABASE_URL, MCP_AUTH_AS_DATABASE_SCHEMA: schema };

  // Once, before any server starts: the account (so no demo account is created) and the resource
  // server's introspection client, both in the shared database.
  const cliEnv = { ...databaseEnv, MCP_AUTH_AS_DATA_DIR: join(dir, 'cli') };
  await runAsCommand(['users', 'add', USER.username], cliEnv, `${USER.password}\n`);
  const added = await runAsCommand(
    ['clients', 'add', '--name', 'Load-balanced RS', '--resource-server', '--resource', resourceUrl],
    cliEnv,
  );
  const clientId = /^client_id=(.+)$/m.exec(added)?.[1];
  const clientSecret = /^client_secret=(.+)$/m.exec(added)?.[1];
  if (!clientId || !clientSecret) throw new Error(`clients add printed no credentials:\n${added}`);

  const processes: Instance[] = [];
  const stopAll = async (instances: Instance[]) => {
    await Promise.all(instances.map((instance) => instance.process.stop()));
  };
  const authorizationServers = [as1, as2].map((port, index) => {
    const instance: Instance = {
      name: `as-${index + 1}`,
      address: `127.0.0.1:${port}`,
      process: startCommand(
        process.execPath,
        [
          AS_CLI,
          '--port',
          String(port),
          '--issuer',
          issuer,
          '--trust-proxy',
          '--data-dir',
          join(dir, `as-${index + 1}`),
          '--resource',
          resourceUrl,
          '--resource-scopes',
          'user admin',
        ],
        databaseEnv,
      ),
    };
    processes.push(instance);
    return instance;
  });
  cleanup.push(() => stopAll(authorizationServers));
  await Promise.all(authorizationServers.map((as) => as.process.waitFor(/authorization server started/)));

  const layout = {
    port: lbPort,
    authorizationServers: authorizationServers.map((as) => as.address),
    resourceServers: [`127.0.0.1:${rs1}`, `127.0.0.1:${rs2}`],
  };
  let generation = 0;
  let nginx = await startNginx({ ...layout, prefix: join(dir, `nginx-${generation}`) });
  cleanup.push(() => nginx.stop());

  // The resource servers find the AS through the load balancer (RFC 8414 metadata, introspection).
  const resourceServers = [rs1, rs2].map((port, index) => {
    const instance: Instance = {
      name: `rs-${index + 1}`,
      address: `127.0.0.1:${port}`,
      process: startCommand(
        process.execPath,
        [
          RS_CLI,
          '--port',
          String(port),
          '--auth-server',
          issuer,
          '--resource-url',
          resourceUrl,
          '--allowed-host',
          `127.0.0.1:${lbPort}`,
          '--transport',
          'streamable-http',
          '--auth-server-wait',
          '15',
        ],
        { MCP_AUTH_RS_CLIENT_ID: clientId, MCP_AUTH_RS_CLIENT_SECRET: clientSecret },
      ),
    };
    processes.push(instance);
    return instance;
  });
  cleanup.push(() => stopAll(resourceServers));
  await Promise.all(resourceServers.map((rs) => rs.process.waitFor(/resource server started/)));

  return {
    issuer,
    resourceUrl,
    schema,
    authorizationServers,
    resourceServers,
    get nginx() {
      return nginx;
    },
    async restartNginx(rsBalancing) {
      await nginx.stop();
      generation++;
      nginx = await startNginx({
        ...layout,
        prefix: join(dir, `nginx-${generation}`),
        ...(rsBalancing ? { rsBalancing } : {}),
      });
    },
    rsCredentials: { clientId, clientSecret },
    db,
    instanceAt: (address) => processes.find((instance) => instance.address === address),
    logs: () =>
      [...processes.map((instance) => `--- ${instance.name}\n${instance.process.output()}`)]
        .concat(`--- nginx\n${nginx.output()}`)
        .join('\n'),
  };
}

/** Runs the teardowns in reverse order, each bounded, never throwing. */
export async function runCleanup(cleanup: Array<() => Promise<void>>, eachMs = 10_000): Promise<string[]> {
  const problems: string[] = [];
  for (const step of cleanup.splice(0).reverse()) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`a cleanup step took over ${eachMs} ms`)), eachMs);
        }),
      ]);
    } catch (error) {
      problems.push((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
  return problems;
}
