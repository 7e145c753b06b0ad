import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createAuthorizationServerApp, demoResourceRegistry } from '@mcp-auth/authorization-server';
import { createResourceServerApp } from '@mcp-auth/resource-server';
import { createLogger, type Logger } from '@mcp-auth/shared';
import { providerTokenVerifier } from './provider-token-verifier.ts';

export interface LegacyServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly transport?: 'streamable-http' | 'sse' | 'all';
  readonly dataDir: string;
  readonly logger?: Logger;
}

export interface RunningLegacyServer {
  readonly issuer: string;
  readonly mcpUrl: string;
  readonly port: number;
  readonly demoAccount?: { username: string; password: string };
  close(): Promise<void>;
}

/**
 * MCP 2025-03-26 "Authorization": the MCP server's origin is the authorization base URL; clients
 * fetch `/.well-known/oauth-authorization-server` there and, without metadata, fall back to the
 * default endpoints `/authorize`, `/token` and `/register`. The same origin also serves RFC 9728
 * metadata, so later clients work too.
 */
const DEFAULT_ENDPOINT_ALIASES: ReadonlyMap<string, string> = new Map([
  ['/authorize', '/auth'],
  ['/register', '/reg'],
]);

/** RFC 9112 §3.2: a request-target the server cannot use as a path gets 400. */
function refuseRequestTarget(res: ServerResponse): void {
  res.statusCode = 400;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(
    JSON.stringify({
      error: 'invalid_request',
      error_description: 'the request target is not a valid path; send an absolute path such as /mcp',
    }),
  );
}

export function defaultLegacyDataDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_DATA_HOME?.trim() || join(homedir(), '.local', 'share'), 'mcp-auth', 'legacy-server');
}

/** The AS and the MCP server on one origin, both the very same code as the separate programs. */
export async function startLegacyServer(options: LegacyServerOptions): Promise<RunningLegacyServer> {
  const logger = options.logger ?? createLogger();
  const server: Server = createServer((_req, res) => {
    if (server.listenerCount('request') > 1) return;
    res.statusCode = 503;
    res.setHeader('retry-after', '1');
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} is already in use; choose another with --port`)
          : error,
      ),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const issuer = `http://localhost:${port}`;
  const mcpUrl = `${issuer}/mcp`;
  const [demo] = demoResourceRegistry();
  const as = await createAuthorizationServerApp(
    {
      port,
      issuer,
      dataDir: options.dataDir,
      resources: [{ ...(demo ?? { name: 'MCP demo server', scopes: [] }), uri: mcpUrl }],
    },
    { logger },
  );
  const rs = createResourceServerApp({
    resourceUrl: mcpUrl,
    port,
    authorizationServer: issuer,
    verifier: providerTokenVerifier(as.provider, issuer),
    transport: options.transport ?? 'all',
    allowedHosts: [],
    allowedOrigins: [],
    dangerouslyAcceptAnyAudience: false,
    logger,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // `//%20` passes Node's HTTP parser yet is no valid URL reference (it names an authority);
    // `new URL` would throw here, uncaught, and end the process for everyone.
    const url = URL.parse(req.url ?? '/', 'http://placeholder');
    if (!url) return refuseRequestTarget(res);
    if (rs.owns(url.pathname)) return void rs.handle(req, res);
    const alias = DEFAULT_ENDPOINT_ALIASES.get(url.pathname);
    if (alias) req.url = `${alias}${url.search}`;
    return void as.handle(req, res);
  });
  logger.info('legacy combined server started', { issuer, mcp: mcpUrl });
  return {
    issuer,
    mcpUrl,
    port,
    ...(as.demoAccount ? { demoAccount: as.demoAccount } : {}),
    close: async () => {
      await rs.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await as.close();
    },
  };
}
