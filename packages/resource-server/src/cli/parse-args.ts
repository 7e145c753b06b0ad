import {
  DEFAULT_ISSUER,
  DEFAULT_RESOURCE_SERVER_PORT,
  parseFlags,
  UsageError,
  wholeNumberFlag,
  workersFlag,
} from '@mcp-auth/shared';
import type { ResourceServerOptionsInput } from '../options.ts';

export const USAGE = `Usage: mcp-auth-rs [--port=${DEFAULT_RESOURCE_SERVER_PORT}] [--auth-server=${DEFAULT_ISSUER}] [--transport=all] [options]

The protected MCP server: tools get_time, calculator, get_weather, whoami and server_stats,
behind OAuth bearer tokens issued by --auth-server.

Options:
  --port N                      port to listen on (default ${DEFAULT_RESOURCE_SERVER_PORT}; env PORT)
  --host H                      address to listen on (default 127.0.0.1)
  --auth-server URL             the authorization server's issuer (default ${DEFAULT_ISSUER};
                                env MCP_AUTH_RS_AUTH_SERVER)
  --resource-url URL            this server's canonical MCP URL (default http://localhost:<port>/mcp)
  --transport T                 streamable-http, sse (deprecated HTTP+SSE), all (default), or
                                stateless: Streamable HTTP with no sessions for any revision
  --token-verification V        introspection (default, RFC 7662) or jwt (RFC 9068)
  --introspection-client-id ID  credentials for introspection (env MCP_AUTH_RS_CLIENT_ID)
  --introspection-client-secret S
                                (env MCP_AUTH_RS_CLIENT_SECRET; prefer the env var: flags show in ps)
  --dev-credentials-file F      where a local mcp-auth-as keeps its development credential
  --introspection-cache-seconds N
                                reuse an introspection answer at most N seconds (default 30)
  --max-sessions N              2025-era sessions kept on each transport (default 10000)
  --max-sessions-per-subject N  sessions one subject keeps on each transport; one more closes its
                                least recently used (default 32)
  --auth-server-wait SECONDS    how long start-up waits for the authorization server (default 60)
  --allowed-host H              accept this Host header too (repeatable; behind a proxy)
  --allowed-origin O            accept this browser Origin too (repeatable)
  --require-dpop                accept only DPoP-bound tokens with proofs (RFC 9449); refuse Bearer
  --oauth-strict                accepted for compatibility: audience checks are always on
  --dangerously-accept-any-audience
                                skip the audience check (only for authorization servers without RFC 8707)
  --metrics-port N              serve Prometheus /metrics on this port (off by default)
  --metrics-host H              address of the metrics listener (default 127.0.0.1)
  --log-level L                 debug, info (default), warn, error
  --workers N                   processes serving the port (default 1; auto = one per CPU);
                                above 1 needs --transport stateless (a session lives in one
                                process); not with --metrics-port
  --verbose                     on an error, print its stack and causes too
  -h, --help                    show this help`;

/** Every flag the program takes; `--help` lists each one (test/cli). */
export const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'auth-server': { type: 'string' },
  'resource-url': { type: 'string' },
  transport: { type: 'string' },
  'token-verification': { type: 'string' },
  'introspection-client-id': { type: 'string' },
  'introspection-client-secret': { type: 'string' },
  'dev-credentials-file': { type: 'string' },
  'introspection-cache-seconds': { type: 'string' },
  'auth-server-wait': { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-sessions-per-subject': { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'allowed-origin': { type: 'string', multiple: true },
  'require-dpop': { type: 'boolean' },
  'oauth-strict': { type: 'boolean' },
  'dangerously-accept-any-audience': { type: 'boolean' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** argv and the environment → raw options for zod to validate. The only place they are read. */
export function parseResourceServerArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): { help: boolean; workers: number; options: ResourceServerOptionsInput } {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port ?? env.PORT;
  const clientId = values['introspection-client-id'] ?? env.MCP_AUTH_RS_CLIENT_ID;
  const clientSecret = values['introspection-client-secret'] ?? env.MCP_AUTH_RS_CLIENT_SECRET;
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new UsageError('give both the introspection client id and secret, or neither');
  }
  // The seed's spelling is streamable-http; MCP_TRANSPORT_TYPE-style streamable_http is accepted too.
  const transport = values.transport?.replace('_', '-');
  const workers = workersFromFlag(values.workers, transport, values['metrics-port']);
  return {
    help: values.help === true,
    workers,
    options: {
      authServer: values['auth-server'] ?? env.MCP_AUTH_RS_AUTH_SERVER ?? DEFAULT_ISSUER,
      ...(port !== undefined ? { port: wholeNumberFlag('--port', port, 65535) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values['resource-url'] !== undefined ? { resourceUrl: values['resource-url'] } : {}),
      ...(transport !== undefined ? { transport: transport as never } : {}),
      ...(values['token-verification'] !== undefined
        ? { tokenVerification: values['token-verification'] as never }
        : {}),
      ...(clientId !== undefined && clientSecret !== undefined
        ? { introspection: { clientId, clientSecret } }
        : {}),
      ...(values['dev-credentials-file'] !== undefined
        ? { devCredentialsFile: values['dev-credentials-file'] }
        : {}),
      ...(values['introspection-cache-seconds'] !== undefined
        ? {
            introspectionCacheSeconds: wholeNumberFlag(
              '--introspection-cache-seconds',
              values['introspection-cache-seconds'],
              3600,
            ),
          }
        : {}),
      ...(values['max-sessions'] !== undefined
        ? { maxSessions: wholeNumberFlag('--max-sessions', values['max-sessions'], 1_000_000) }
        : {}),
      ...(values['max-sessions-per-subject'] !== undefined
        ? {
            maxSessionsPerSubject: wholeNumberFlag(
              '--max-sessions-per-subject',
              values['max-sessions-per-subject'],
              1_000_000,
            ),
          }
        : {}),
      ...(values['auth-server-wait'] !== undefined
        ? { authServerWaitSeconds: wholeNumberFlag('--auth-server-wait', values['auth-server-wait'], 3600) }
        : {}),
      allowedHosts: values['allowed-host'] ?? [],
      allowedOrigins: values['allowed-origin'] ?? [],
      requireDpop: values['require-dpop'] === true,
      dangerouslyAcceptAnyAudience: values['dangerously-accept-any-audience'] === true,
      ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as never } : {}),
      ...metricsFrom(values['metrics-port'], values['metrics-host']),
    },
  };
}

/**
 * `--workers N`: node:cluster hands each connection to any worker, and nothing routes a request
 * by its `Mcp-Session-Id`, so a 2025 session (or a deprecated SSE stream) opened in one worker
 * would be unknown to the others. Above one worker the RS therefore serves without sessions
 * (`--transport stateless`), or refuses to start.
 */
function workersFromFlag(
  value: string | undefined,
  transport: string | undefined,
  metricsPort: string | undefined,
): number {
  const workers = value !== undefined ? workersFlag(value) : 1;
  if (workers > 1 && transport !== 'stateless') {
    throw new UsageError(
      `--workers ${workers} needs --transport stateless: a 2025-era session (Mcp-Session-Id) or a ` +
        `deprecated SSE stream lives in the one process that opened it, and each worker gets any ` +
        `connection; add --transport stateless (2025 clients are then served without sessions) or ` +
        `run one worker`,
    );
  }
  if (workers > 1 && metricsPort !== undefined) {
    throw new UsageError(
      `--metrics-port serves one process's counters, so it needs --workers 1, not ${workers}; ` +
        'leave --metrics-port out, or run the metrics on a single-worker instance',
    );
  }
  return workers;
}

/** `/metrics` on its own listener, only when `--metrics-port` is given. */
function metricsFrom(
  port: string | undefined,
  host: string | undefined,
): Pick<ResourceServerOptionsInput, 'metrics'> {
  if (port === undefined) {
    if (host !== undefined) throw new UsageError('--metrics-host needs --metrics-port');
    return {};
  }
  return {
    metrics: {
      port: wholeNumberFlag('--metrics-port', port, 65535),
      ...(host !== undefined ? { host } : {}),
    },
  };
}
