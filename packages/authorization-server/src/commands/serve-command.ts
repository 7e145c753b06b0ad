import {
  createLogger,
  DEFAULT_AUTHORIZATION_SERVER_PORT,
  isWorkerProcess,
  leaveWorkerPool,
  reportWorkerReady,
  superviseWorkers,
  UsageError,
  workerStopRequested,
} from '@mcp-auth/shared';
import { z } from 'zod';
import {
  type AuthorizationServerOptionsInput,
  authorizationServerOptionsSchema,
  describeOptionErrors,
} from '../options.ts';
import { type RunningAuthorizationServer, startAuthorizationServer } from '../server.ts';
import { parseServeArgs } from './serve-arguments.ts';

export const SERVE_USAGE = `Usage: mcp-auth-as [--port=${DEFAULT_AUTHORIZATION_SERVER_PORT}] [options]
       mcp-auth-as users <add|passwd|remove|list|lock|unlock> ...
       mcp-auth-as clients <add|list|show|remove> ...
       mcp-auth-as grants <list|revoke> ...
       mcp-auth-as keys <list|rotate> ...
       mcp-auth-as backup FILE ...

The OAuth 2.1 Authorization Server for MCP: sign-in and consent pages, client registration
(pre-registered, Client ID Metadata Documents, dynamic), tokens, introspection, revocation.

Options:
  --port N            port to listen on (default ${DEFAULT_AUTHORIZATION_SERVER_PORT}; env PORT)
  --host H            address to listen on (default 127.0.0.1)
  --issuer URL        public issuer URL (default http://localhost:<port>); https unless loopback
  --data-dir DIR      database, keys and development credentials
                      (default $XDG_DATA_HOME/mcp-auth/authorization-server; env MCP_AUTH_AS_DATA_DIR)
  --database-url URL  PostgreSQL instead of SQLite, for several instances (env DATABASE_URL)
  --database-schema S its schema (default public; env MCP_AUTH_AS_DATABASE_SCHEMA)
  --config FILE       JSON file: { "resources": [...] } (the protected resource registry) and
                      the lifetimes accessTokenTtlSeconds, refreshTokenTtlSeconds, codeTtlSeconds
  --resource URI      register a protected resource (repeatable; adds to --config)
  --resource-scopes S its scopes, space-separated (default "user")
  --resource-token-format F
                      opaque (default: resource servers introspect; 1-hour tokens)
                      or jwt (RFC 9068; 5-minute tokens)
  --trust-proxy       trust X-Forwarded-For/-Proto from a reverse proxy
  --max-dynamic-clients N
                      most clients dynamic registration may hold (default 10000)
  --access-token-ttl SECONDS
                      access token lifetime for resources that set none (default 3600
                      opaque, 300 jwt); short ones let you try a client's expiry handling
  --refresh-token-ttl SECONDS
                      refresh token lifetime (default 30 days public, 90 days confidential)
  --code-ttl SECONDS  authorization code lifetime (default 60, at most 600)
  --metrics-port N    serve Prometheus /metrics on this port (off by default)
  --metrics-host H    address of the metrics listener (default 127.0.0.1)
  --log-level L       debug, info (default), warn or error
  --verbose           on an error, print its stack and causes too
  --audit-log FILE    append the security audit log (JSON lines) to FILE instead of the log
                      stream (also "auditLog" in --config; env MCP_AUTH_AS_AUDIT_LOG)
  --workers N         processes serving the port (default 1; auto = one per CPU); they share
                      the database, keys and rate limits; not with --metrics-port
  --dangerously-allow-loopback-client-metadata
                      development only: fetch Client ID Metadata Documents from loopback
  --dangerously-allow-insecure-issuer
                      lab only: allow a plain-http issuer that is not loopback
  -h, --help          show this help`;

/** Starts the AS, prints where it is and how to sign in, and stops cleanly on SIGINT/SIGTERM. */
export async function runServeCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { stdout: NodeJS.WriteStream },
): Promise<number> {
  const args = parseServeArgs(argv, env);
  if (args.help) {
    io.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  if (isWorkerProcess()) return serveAsWorker(args.options);
  if (args.workers > 1) return superviseAuthorizationServers(args.workers, args.options, io);
  const server = await start(args.options);
  io.stdout.write(banner(server));
  await waitForShutdownSignal();
  await server.close();
  io.stdout.write('MCP Authorization Server stopped.\n');
  return 0;
}

async function start(options: AuthorizationServerOptionsInput): Promise<RunningAuthorizationServer> {
  try {
    return await startAuthorizationServer(options);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UsageError(describeOptionErrors(error));
    throw error;
  }
}

/**
 * `--workers N`: this process only supervises; N workers run the server on the one port. What
 * they share lives in storage: the SQLite file (WAL mode, `busy_timeout`) or PostgreSQL holds the
 * artifacts, accounts and rate-limit windows; the keys are the data folder's secrets.json or the
 * database's server_secrets, reread by every worker (keys/key-refresh.ts).
 */
async function superviseAuthorizationServers(
  count: number,
  options: AuthorizationServerOptionsInput,
  io: { stdout: NodeJS.WriteStream },
): Promise<number> {
  const parsed = authorizationServerOptionsSchema.safeParse(options);
  if (!parsed.success) throw new UsageError(describeOptionErrors(parsed.error));
  const code = await superviseWorkers({
    count,
    logger: createLogger({ level: parsed.data.logLevel }).child({ role: 'primary' }),
    onReady: (text, pids) =>
      io.stdout.write(`${text.trimEnd()}\n  workers        ${count} processes (${pids.join(', ')})\n\n`),
  });
  io.stdout.write('MCP Authorization Server stopped.\n');
  return code;
}

/** One of the `--workers` processes: serve until the primary (or a signal) says stop. */
async function serveAsWorker(options: AuthorizationServerOptionsInput): Promise<number> {
  const server = await start(options);
  reportWorkerReady(banner(server));
  await workerStopRequested();
  await server.close();
  leaveWorkerPool();
  return 0;
}

function banner(server: RunningAuthorizationServer): string {
  const lines = [
    '',
    `MCP Authorization Server  ${server.issuer}`,
    `  metadata       ${server.issuer}/.well-known/oauth-authorization-server`,
    `  authorize      ${server.issuer}/auth`,
    `  token          ${server.issuer}/token`,
    `  register       ${server.issuer}/reg`,
    `  introspect     ${server.issuer}/token/introspection`,
    `  revoke         ${server.issuer}/token/revocation`,
    `  jwks           ${server.issuer}/jwks`,
    `  data folder    ${server.dataDir}`,
    ...(server.metricsUrl ? [`  metrics        ${server.metricsUrl}`] : []),
  ];
  if (server.demoAccount) {
    lines.push(
      `  demo account   ${server.demoAccount.username} / ${server.demoAccount.password}` +
        (server.demoAccount.created ? '  (created now)' : ''),
    );
  }
  if (server.devIntrospectionCredentials) {
    lines.push('  introspection  development credential for mcp-auth-rs on this machine (loopback only)');
  }
  return `${lines.join('\n')}\n\n`;
}

function waitForShutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
