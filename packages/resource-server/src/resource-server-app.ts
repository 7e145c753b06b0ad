import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type { McpServer } from '@modelcontextprotocol/server';
import { createCallerGate } from './auth/caller-gate.ts';
import type { TokenVerifier } from './auth/verified-token.ts';
import { createErrorResponder } from './http/error-response.ts';
import { type JsonBodyReader, readJsonBody } from './http/json-body.ts';
import { createRequestGuards } from './http/request-guards.ts';
import { createRouter, type Route } from './http/router.ts';
import { sendJson, sendJsonText } from './http/send-response.ts';
import { refuseUndrainableBody } from './http/unread-body.ts';
import { buildMcpServer } from './mcp-server.ts';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from './protected-resource-metadata.ts';
import { ServerStats } from './tools/server-stats.ts';
import { createDeprecatedSseEndpoint, ssePaths } from './transports/deprecated-sse.ts';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './transports/session-registry.ts';
import { createStreamableHttpEndpoint } from './transports/streamable-http.ts';

/** What the MCP endpoint needs once the AS is known and a verifier exists. */
export interface ResourceServerAppConfig {
  readonly resourceUrl: string;
  /** The port the server is reached on (for the loopback Host allow-list). */
  readonly port: number;
  readonly authorizationServer: string;
  readonly verifier: TokenVerifier;
  readonly transport: 'streamable-http' | 'sse' | 'all';
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly dangerouslyAcceptAnyAudience: boolean;
  readonly logger: Logger;
  /** Bounds on 2025-era and deprecated SSE sessions, each transport apart; defaults when absent. */
  readonly sessionLimits?: SessionLimits;
  /** The clock of session idle times (epoch milliseconds); `Date.now` when absent. */
  readonly now?: () => number;
  /** Reads MCP request bodies; `readJsonBody` when absent. */
  readonly readJsonBody?: JsonBodyReader;
}

export interface ResourceServerApp {
  /** Whether a path is this app's (metadata, MCP endpoint, deprecated SSE endpoints). */
  owns(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/**
 * The protected MCP endpoint without a listener: the routes, the checks in front of the
 * transports, and the one place errors become responses. `startResourceServer` serves it alone;
 * the same-origin server (`mcp-auth-legacy`) serves it beside the AS.
 */
export function createResourceServerApp(config: ResourceServerAppConfig): ResourceServerApp {
  const { resourceUrl, verifier, logger } = config;
  const sessionLimits = config.sessionLimits ?? DEFAULT_SESSION_LIMITS;
  const now = config.now ?? Date.now;
  const mcpPath = new URL(resourceUrl).pathname;
  const ssePath = ssePaths(mcpPath);
  const metadataPaths = protectedResourceMetadataPaths(resourceUrl);
  const metadataDocument = JSON.stringify(protectedResourceMetadata(resourceUrl, config.authorizationServer));
  const stats = new ServerStats();
  const gate = createCallerGate({
    verifier,
    resourceUrl,
    dangerouslyAcceptAnyAudience: config.dangerouslyAcceptAnyAudience,
    readMessage: config.readJsonBody ?? readJsonBody,
  });

  const onError = (error: Error) => logger.error('MCP transport error', { error });
  const buildServer = (): McpServer =>
    buildMcpServer(() =>
      stats.snapshot({
        activeSessions: (streamable?.activeSessions() ?? 0) + (sse?.activeSessions() ?? 0),
        ...(verifier.cacheStats ? { cache: verifier.cacheStats() } : {}),
      }),
    );
  const streamable =
    config.transport === 'sse'
      ? undefined
      : createStreamableHttpEndpoint(buildServer, onError, sessionLimits, now);
  const sse =
    config.transport === 'streamable-http'
      ? undefined
      : createDeprecatedSseEndpoint(buildServer, ssePath.messages, sessionLimits, now);

  const routes: Route[] = [
    {
      paths: metadataPaths,
      methods: ['GET', 'HEAD'],
      cors: 'any-origin',
      handle(_req, res) {
        res.setHeader('cache-control', 'public, max-age=300');
        sendJsonText(res, 200, metadataDocument);
      },
    },
    {
      paths: ['/healthz'],
      methods: 'any',
      cors: 'none',
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
  ];
  if (streamable) {
    routes.push({
      paths: [mcpPath],
      methods: ['GET', 'POST', 'DELETE'],
      cors: 'allowed-origins',
      async handle(req, res, requestUrl) {
        const caller = await gate.authenticate(req, requestUrl);
        if (req.method !== 'POST') refuseUndrainableBody(req);
        const message = req.method === 'POST' ? await gate.readPermittedMessage(req, caller) : undefined;
        return streamable.handle(req, res, message, caller);
      },
    });
  }
  if (sse) {
    routes.push(
      {
        paths: [ssePath.stream],
        methods: ['GET'],
        cors: 'allowed-origins',
        async handle(req, res, requestUrl) {
          const caller = await gate.authenticate(req, requestUrl);
          refuseUndrainableBody(req);
          return sse.open(res, caller);
        },
      },
      {
        paths: [ssePath.messages],
        methods: ['POST'],
        cors: 'allowed-origins',
        async handle(req, res, requestUrl) {
          const caller = await gate.authenticate(req, requestUrl);
          return sse.post(req, res, await gate.readPermittedMessage(req, caller), caller);
        },
      },
    );
  }

  const guards = createRequestGuards({
    resourceUrl,
    port: config.port,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
  });
  const route = createRouter(routes, guards);
  const answerError = createErrorResponder({
    logger,
    resourceMetadataUrl: protectedResourceMetadataUrl(resourceUrl),
  });
  // The MCP path is this app's even when only the deprecated transport is served (404 here).
  const ownedPaths = new Set([...metadataPaths, mcpPath, ...(sse ? [ssePath.stream, ssePath.messages] : [])]);

  return {
    owns: (pathname) => ownedPaths.has(pathname),
    handle(req, res) {
      stats.countRequest();
      return route(req, res).catch((error: unknown) => answerError(req, res, error));
    },
    async close() {
      await Promise.allSettled([streamable?.close(), sse?.close()]);
    },
  };
}
