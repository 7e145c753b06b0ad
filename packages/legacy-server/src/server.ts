import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAuthorizationServerApp, demoResourceRegistry } from '@mcp-auth/authorization-server';
import { createResourceServerApp } from '@mcp-auth/resource-server';
import { createLogger, type Logger, listenUntilReady, sameOriginServerDataDir } from '@mcp-auth/shared';
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

export function defaultLegacyDataDir(env: Readonly<Record<string, string | undefined>>): string {
  return sameOriginServerDataDir(env);
}

/** The AS and the MCP server on one origin, both the very same code as the separate programs. */
export async function startLegacyServer(options: LegacyServerOptions): Promise<RunningLegacyServer> {
  const logger = options.logger ?? createLogger();
  const listener = await listenUntilReady({ port: options.port, host: options.host ?? '127.0.0.1' });
  const port = listener.port;
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
  ).catch(async (error: unknown) => {
    // A data folder or database it cannot use: give the port back before reporting why.
    await listener.close();
    throw error;
  });
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
  listener.serve((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
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
      await listener.close();
      await as.close();
    },
  };
}
