import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAuthorizationServerApp, demoResourceRegistry } from '@mcp-auth/authorization-server';
import { createResourceServerApp } from '@mcp-auth/resource-server';
import {
  createLogger,
  type Logger,
  listenUntilReady,
  refuseRequestTarget,
  requestTargetUrl,
} from '@mcp-auth/shared';
import { type SameOriginServerOptionsInput, sameOriginServerOptionsSchema } from './options.ts';
import { providerTokenVerifier } from './provider-token-verifier.ts';

export interface SameOriginServerOverrides {
  readonly logger?: Logger;
}

export interface RunningSameOriginServer {
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

/**
 * `mcp-auth-legacy`: the AS and the MCP server on one origin, both the very same code as the
 * separate programs. Listens first (the issuer names the port), then builds both apps and serves
 * them: the paths the MCP app owns go to it, everything else to the AS.
 */
export async function startSameOriginServer(
  input: SameOriginServerOptionsInput,
  overrides: SameOriginServerOverrides = {},
): Promise<RunningSameOriginServer> {
  const options = sameOriginServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const listener = await listenUntilReady({ port: options.port, host: options.host });
  const issuer = `http://localhost:${listener.port}`;
  const mcpUrl = `${issuer}/mcp`;
  const [demo] = demoResourceRegistry();
  const as = await createAuthorizationServerApp(
    {
      port: listener.port,
      issuer,
      dataDir: options.dataDir,
      resources: [{ ...(demo ?? { name: 'MCP demo server', scopes: [] }), uri: mcpUrl }],
    },
    // Tokens are checked against the AS's store in process: no introspection credential to hand out.
    { logger, withoutDevIntrospectionCredential: true },
  ).catch(async (error: unknown) => {
    // A data folder or database it cannot use: give the port back before reporting why.
    await listener.close();
    throw error;
  });
  const rs = createResourceServerApp({
    resourceUrl: mcpUrl,
    port: listener.port,
    authorizationServer: issuer,
    verifier: providerTokenVerifier(as.provider, issuer),
    transport: options.transport,
    allowedHosts: [],
    allowedOrigins: [],
    dangerouslyAcceptAnyAudience: false,
    logger,
  });
  listener.serve((req: IncomingMessage, res: ServerResponse) => {
    // The listener brought the target to origin-form; one `new URL` could still not read it
    // (`//%20` reads as an authority there), and an uncaught throw here would end the process.
    const url = requestTargetUrl(req);
    if (!url) return refuseRequestTarget(res);
    if (rs.owns(url.pathname)) return rs.handle(req, res);
    const alias = DEFAULT_ENDPOINT_ALIASES.get(url.pathname);
    if (alias) req.url = `${alias}${url.search}`;
    return as.handle(req, res);
  });
  logger.info('same-origin server started', { issuer, mcp: mcpUrl });
  return {
    issuer,
    mcpUrl,
    port: listener.port,
    ...(as.demoAccount ? { demoAccount: as.demoAccount } : {}),
    close: async () => {
      await rs.close();
      await listener.close();
      await as.close();
    },
  };
}
