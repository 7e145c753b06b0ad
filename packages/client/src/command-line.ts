import { DEFAULT_RESOURCE_SERVER_PORT, localMcpUrl, parseFlags } from '@mcp-auth/shared';
import { UsageError } from './connection/errors.ts';
import type { ClientOptionsInput } from './options.ts';
import { defaultStoreDir } from './store/credential-store.ts';

export const USAGE = `Usage: mcp-auth-client [options]                    sign in, then an interactive prompt
       mcp-auth-client [options] list               list the server's tools
       mcp-auth-client [options] call <tool> [json] call a tool
       mcp-auth-client [options] status             where you are signed in, as whom, until when
       mcp-auth-client [options] logout             forget this server's tokens

Server (as in the seed demo): MCP_SERVER_PORT=${DEFAULT_RESOURCE_SERVER_PORT} MCP_TRANSPORT_TYPE=streamable_http mcp-auth-client

Options:
  --url URL                the MCP server (default http://localhost:$MCP_SERVER_PORT/mcp, port ${DEFAULT_RESOURCE_SERVER_PORT};
                           with --transport=sse: …/mcp/sse)
  --transport T            streamable-http (default) or sse; env MCP_TRANSPORT_TYPE (streamable_http, sse)
  --callback-port N        loopback port for the sign-in redirect (default 3030; any free one if busy)
  --scope "S …"            scopes to ask for, besides what the server asks for
  --client-id ID           use a pre-registered client instead of registering
  --client-secret SECRET   its secret, if confidential (env MCP_AUTH_CLIENT_SECRET)
  --client-metadata-url U  your Client ID Metadata Document (https), used when the AS supports it
  --no-browser             print the sign-in URL instead of opening a browser
  --dpop                   ask for DPoP-bound tokens (RFC 9449) at every sign-in; without it, only
                           when the server accepts only DPoP and the AS supports it
  --no-dpop                never ask for DPoP-bound tokens
  --store DIR              where credentials are kept (default $XDG_STATE_HOME/mcp-auth/client)
  --json                   machine-readable output for list, call and status
  --trace[=json]           show each step of the sign-in and the calls, named as the specifications
                           name them, on stderr (=json: one JSON object a line, for tools)
  --verbose                more detail on errors (causes, stacks, the SDK's warnings)
  -h, --help               show this help

Exit codes: 0 success, 1 failure, 2 usage error, 3 sign-in failed, 4 the tool reported an error.`;

const FLAGS = {
  url: { type: 'string' },
  transport: { type: 'string' },
  'callback-port': { type: 'string' },
  scope: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-metadata-url': { type: 'string' },
  'no-browser': { type: 'boolean' },
  dpop: { type: 'boolean' },
  'no-dpop': { type: 'boolean' },
  store: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Command =
  | { readonly kind: 'repl' }
  | { readonly kind: 'list' }
  | { readonly kind: 'call'; readonly tool: string; readonly argumentsJson?: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'logout' };

export interface ParsedCommandLine {
  readonly help: boolean;
  readonly command: Command;
  readonly options: ClientOptionsInput;
}

function transportFrom(value: string | undefined): 'streamable-http' | 'sse' {
  if (value === undefined) return 'streamable-http';
  const normalized = value.trim().toLowerCase().replace('_', '-');
  if (normalized === 'streamable-http' || normalized === 'sse') return normalized;
  throw new UsageError(`the transport must be streamable-http (streamable_http) or sse, not "${value}"`);
}

function portFrom(name: string, value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`${name} must be a port number, not "${value}"`);
  return Number(value);
}

function commandFrom(positionals: string[]): Command {
  const [name, ...rest] = positionals;
  switch (name) {
    case undefined:
      return { kind: 'repl' };
    case 'list':
    case 'status':
    case 'logout':
      if (rest.length > 0) throw new UsageError(`${name} takes no arguments`);
      return { kind: name };
    case 'call': {
      const [tool, argumentsJson, ...extra] = rest;
      if (!tool) throw new UsageError('call needs a tool name: mcp-auth-client call <tool> [json]');
      if (extra.length > 0) throw new UsageError('call takes the tool name and one JSON argument (quote it)');
      return argumentsJson === undefined ? { kind: 'call', tool } : { kind: 'call', tool, argumentsJson };
    }
    default:
      throw new UsageError(`unknown command "${name}"; use list, call, status or logout`);
  }
}

/**
 * `--trace` alone means text; a value needs `=` (`--trace=json`), since `--trace json` could as
 * well be the flag followed by an argument. Only flags before `--` are looked at.
 */
function withTraceValue(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const flagCount = end < 0 ? argv.length : end;
  return argv.map((arg, index) => {
    if (index >= flagCount || arg !== '--trace') return arg;
    const next = argv[index + 1];
    if (index + 1 < flagCount && (next === 'json' || next === 'text')) {
      throw new UsageError(`write --trace=${next}, with "=" (--trace alone means text)`);
    }
    return '--trace=text';
  });
}

function traceFrom(value: string | undefined): 'text' | 'json' | undefined {
  if (value === undefined || value === 'text' || value === 'json') return value;
  throw new UsageError(
    `--trace is --trace (text, for people) or --trace=json (for tools), not "--trace=${value}"`,
  );
}

/** argv and the environment → command and raw options. The only place either is read. */
export function parseCommandLine(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommandLine {
  const { values, positionals } = parseFlags(withTraceValue(argv), FLAGS);
  const transport = transportFrom(values.transport ?? env.MCP_TRANSPORT_TYPE);
  const serverPort =
    env.MCP_SERVER_PORT === undefined
      ? DEFAULT_RESOURCE_SERVER_PORT
      : portFrom('MCP_SERVER_PORT', env.MCP_SERVER_PORT);
  const url = values.url ?? `${localMcpUrl(serverPort)}${transport === 'sse' ? '/sse' : ''}`;
  const clientSecret = values['client-secret'] ?? env.MCP_AUTH_CLIENT_SECRET;
  if (values.dpop && values['no-dpop']) throw new UsageError('give --dpop or --no-dpop, not both');
  return {
    help: values.help === true,
    command: commandFrom(positionals),
    options: {
      url,
      transport,
      ...(values['callback-port'] !== undefined
        ? { callbackPort: portFrom('--callback-port', values['callback-port']) }
        : {}),
      ...(values.scope !== undefined ? { scope: values.scope } : {}),
      ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(values['client-metadata-url'] !== undefined
        ? { clientMetadataUrl: values['client-metadata-url'] }
        : {}),
      browser: values['no-browser'] ? 'print' : 'system',
      ...(values.dpop ? { dpop: 'always' as const } : values['no-dpop'] ? { dpop: 'never' as const } : {}),
      storeDir: values.store ?? env.MCP_AUTH_CLIENT_STORE ?? defaultStoreDir(env),
      verbose: values.verbose === true,
      json: values.json === true,
      ...(values.trace !== undefined ? { trace: traceFrom(values.trace) } : {}),
    },
  };
}
