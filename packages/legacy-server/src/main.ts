/**
 * `mcp-auth-legacy --port=8000 [--transport=streamable-http|sse|all] [--data-dir DIR]`: the AS and
 * the MCP server on one origin, for MCP clients of the 2025-03-26 revision.
 */
import { parseArgs } from 'node:util';
import { defaultLegacyDataDir, startLegacyServer } from './server.ts';

const USAGE = `Usage: mcp-auth-legacy [--port=8000] [--transport=all|streamable-http|sse] [--host H] [--data-dir DIR]

The Authorization Server and the MCP server on one origin (MCP 2025-03-26 clients):
AS metadata at /.well-known/oauth-authorization-server, /authorize and /register aliases,
the MCP endpoint at /mcp (and the deprecated SSE transport at /mcp/sse).`;

function fail(message: string, code = 2): never {
  process.stderr.write(
    `mcp-auth-legacy: ${message}\n${code === 2 ? 'Run mcp-auth-legacy --help for usage.\n' : ''}`,
  );
  process.exit(code);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      transport: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const portText = String(values.port ?? process.env.PORT ?? '8000');
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
  fail(`--port must be a port number, not "${portText}"`);
const transport = String(values.transport ?? 'all').replace('_', '-');
if (transport !== 'all' && transport !== 'streamable-http' && transport !== 'sse') {
  fail(`--transport must be streamable-http, sse or all, not "${transport}"`);
}
try {
  const server = await startLegacyServer({
    port: Number(portText),
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    transport,
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultLegacyDataDir(process.env),
  });
  process.stdout.write(
    `\nMCP legacy combined server  ${server.issuer}\n  MCP endpoint   ${server.mcpUrl}\n  AS metadata    ${server.issuer}/.well-known/oauth-authorization-server\n${
      server.demoAccount
        ? `  demo account   ${server.demoAccount.username} / ${server.demoAccount.password}\n`
        : ''
    }\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
} catch (error) {
  fail((error as Error).message, 1);
}
