import { parseFlags, UsageError, wholeNumberFlag } from '@mcp-auth/shared';
import { defaultSameOriginDataDir, type SameOriginServerOptionsInput } from '../options.ts';

export const USAGE = `Usage: mcp-auth-legacy [--port=8000] [--transport=all] [options]

The same-origin server, for MCP clients of the 2025-03-26 revision: the Authorization Server and
the MCP server on one origin. AS metadata at /.well-known/oauth-authorization-server, the
default endpoints /authorize, /token and /register, the MCP endpoint at /mcp (and the
deprecated HTTP+SSE transport at /mcp/sse).

Options:
  --port N          port to listen on (default 8000; env PORT)
  --host H          address to listen on (default 127.0.0.1)
  --transport T     streamable-http, sse (deprecated HTTP+SSE) or all (default)
  --data-dir DIR    the AS's data folder: database, keys, demo account
                    (default $XDG_DATA_HOME/mcp-auth/legacy-server)
  --log-level L     debug, info (default), warn, error
  --verbose         on an error, print its stack and causes too
  -h, --help        show this help`;

/** Every flag the program takes; `--help` lists each one (test/cli). */
export const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  transport: { type: 'string' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** argv and the environment → raw options for zod to validate. The only place they are read. */
export function parseSameOriginArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): { help: boolean; options: SameOriginServerOptionsInput } {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = values.port ?? env.PORT;
  // MCP_TRANSPORT_TYPE-style streamable_http is accepted too, as by mcp-auth-rs.
  const transport = values.transport?.replace('_', '-');
  return {
    help: values.help === true,
    options: {
      ...(port !== undefined ? { port: wholeNumberFlag('--port', port, 65535) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(transport !== undefined ? { transport: transport as never } : {}),
      dataDir: values['data-dir'] ?? defaultSameOriginDataDir(env),
      ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] as never } : {}),
    },
  };
}
