/**
 * `npm start`: the whole demo in one terminal. Starts the Authorization Server and the MCP
 * Resource Server in the background (their logs go to files, whose paths are printed), waits
 * until both answer, then runs the client's prompt here. Leaving the prompt (quit, Ctrl-D) or
 * Ctrl-C stops everything; no server is left running. `--trace` is the client's: the sign-in
 * step by step, as the specifications name each step.
 *
 *   npm start [-- --no-browser] [--trace[=json]] [--as-port=9000] [--rs-port=8001]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// From source: the defaults must be known before anything is built or started.
import {
  DEFAULT_AUTHORIZATION_SERVER_PORT,
  DEFAULT_RESOURCE_SERVER_PORT,
  DEMO_RESOURCE_NAME,
  DEMO_SCOPES,
  demoLogDir,
  localIssuer,
  localMcpUrl,
} from '../packages/shared/src/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const cli = (pkg: string, entry = 'cli.js') => join(ROOT, 'packages', pkg, 'dist', entry);

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(2);
}

function parsePort(flag: string, value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    fail(`${flag} must be a port number, not "${value}"`);
  return Number(value);
}

async function assertPortFree(port: number, who: string, flag: string): Promise<void> {
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free)
    fail(`port ${port} (${who}) is already in use; stop what uses it or choose another with ${flag}`);
}

async function waitUntilHealthy(url: string, child: ChildProcess, log: string, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) fail(`${what} stopped at start-up; see ${log}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await delay(100);
  }
  fail(`${what} did not start within 30 seconds; see ${log}`);
}

const { values } = (() => {
  try {
    return parseArgs({
      // `--trace` alone means text, as for the client.
      args: process.argv.slice(2).map((arg) => (arg === '--trace' ? '--trace=text' : arg)),
      options: {
        'no-browser': { type: 'boolean' },
        trace: { type: 'string' },
        'as-port': { type: 'string' },
        'rs-port': { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.trace !== undefined && values.trace !== 'text' && values.trace !== 'json')
  fail(`--trace is --trace (text) or --trace=json, not "--trace=${values.trace}"`);
const asPort = parsePort('--as-port', values['as-port'] ?? String(DEFAULT_AUTHORIZATION_SERVER_PORT));
const rsPort = parsePort('--rs-port', values['rs-port'] ?? String(DEFAULT_RESOURCE_SERVER_PORT));
await assertPortFree(asPort, 'the Authorization Server', '--as-port');
await assertPortFree(rsPort, 'the MCP Resource Server', '--rs-port');

const logDir = demoLogDir(process.env);
mkdirSync(logDir, { recursive: true, mode: 0o700 });
const children: ChildProcess[] = [];
function startServer(name: string, args: string[]): { child: ChildProcess; log: string } {
  const log = join(logDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'w', mode: 0o600 });
  // Their own process group: Ctrl-C at the prompt cancels a tool call, it does not stop servers.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  children.push(child);
  return { child, log };
}

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const deadline = Date.now() + 5000;
    while (
      children.some((child) => child.exitCode === null && child.signalCode === null) &&
      Date.now() < deadline
    )
      await delay(50);
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  process.exit(code);
}
// Ctrl-C belongs to the prompt (it cancels the running call); leaving is quit or Ctrl-D.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => void stopAll(143));

const resourceUrl = localMcpUrl(rsPort);
const authServer = localIssuer(asPort);
/**
 * The MCP server on another port: the AS registers the demo resource at that URL, under its own
 * name and with its scopes in words, as `mcp-auth-as --config` reads it (the same as the default
 * registry, moved), so the consent page names it as it does on the default port.
 */
function movedDemoRegistry(uri: string): string {
  const file = join(logDir, 'demo-resources.json');
  const resources = [
    {
      uri,
      name: DEMO_RESOURCE_NAME,
      scopes: DEMO_SCOPES.map((scope) => ({
        name: scope.name,
        description: scope.description,
        unlocks: [...scope.tools],
      })),
    },
  ];
  writeFileSync(file, `${JSON.stringify({ resources }, null, 2)}\n`, { mode: 0o600 });
  return file;
}

const as = startServer('authorization-server', [
  cli('authorization-server'),
  `--port=${asPort}`,
  ...(rsPort === DEFAULT_RESOURCE_SERVER_PORT ? [] : [`--config=${movedDemoRegistry(resourceUrl)}`]),
]);
await waitUntilHealthy(`${authServer}/healthz`, as.child, as.log, 'the Authorization Server');
const rs = startServer('resource-server', [
  cli('resource-server', join('cli', 'main.js')),
  `--port=${rsPort}`,
  `--auth-server=${authServer}`,
]);
await waitUntilHealthy(`http://127.0.0.1:${rsPort}/healthz`, rs.child, rs.log, 'the MCP Resource Server');

let demoAccount: string | undefined;
for (let attempt = 0; attempt < 40 && !demoAccount; attempt++) {
  demoAccount = /demo account\s+(\S+ \/ \S+)/.exec(readFileSync(as.log, 'utf8'))?.[1];
  if (!demoAccount && /data folder/.test(readFileSync(as.log, 'utf8'))) break;
  if (!demoAccount) await delay(50);
}
process.stderr.write(
  [
    '',
    `Authorization Server  ${authServer}   (log: ${as.log})`,
    `MCP Resource Server   ${resourceUrl}   (log: ${rs.log})`,
    demoAccount
      ? `Demo account          ${demoAccount}`
      : 'Sign in with an account of yours (mcp-auth-as users add).',
    'Type help at the prompt; quit or Ctrl-D stops everything.',
    ...(values.trace
      ? []
      : [
          'What happens at sign-in: npm start -- --trace shows each step, as the specifications name it',
          '(README, "What just happened?").',
        ]),
    '',
  ].join('\n'),
);

const clientArgs = [
  ...(values['no-browser'] ? ['--no-browser'] : []),
  ...(values.trace ? [`--trace=${values.trace}`] : []),
];
const client = spawn(process.execPath, [cli('client'), ...clientArgs], {
  stdio: 'inherit',
  env: { ...process.env, MCP_SERVER_PORT: String(rsPort), MCP_TRANSPORT_TYPE: 'streamable_http' },
});
children.push(client);
client.on('exit', (code) => void stopAll(code ?? 1));
