import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Registry } from 'prom-client';
import { createCallerGate } from './auth/caller-gate.ts';
import { DpopReplayCache } from './auth/dpop-replay-cache.ts';
import type { TokenVerifier } from './auth/verified-token.ts';
import { createErrorResponder } from './http/error-response.ts';
import { type JsonBodyReader, readJsonBody } from './http/json-body.ts';
import { createRequestGuards } from './http/request-guards.ts';
import { createRouter, type Route } from './http/router.ts';
import { buildMcpServer } from './mcp-server.ts';
import { ResourceServerMetrics } from './metrics/resource-server-metrics.ts';
import { protectedResourceMetadataUrl } from './protected-resource-metadata.ts';
import {
  deprecatedSseRoutes,
  HEALTH_ROUTE,
  protectedResourceMetadataRoute,
  streamableHttpRoute,
} from './routes.ts';
import { ServerStats } from './tools/server-stats.ts';
import { createDeprecatedSseEndpoint, ssePaths } from './transports/deprecated-sse.ts';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './transports/session-registry.ts';
import { createStatelessHttpEndpoint } from './transports/stateless-http.ts';
import { createStreamableHttpEndpoint } from './transports/streamable-http.ts';

/** What the MCP endpoint needs once the AS is known and a verifier exists. */
export interface ResourceServerAppConfig {
  readonly resourceUrl: string;
  /** The port the server is reached on (for the loopback Host allow-list). */
  readonly port: number;
  readonly authorizationServer: string;
  readonly verifier: TokenVerifier;
  /** `stateless`: Streamable HTTP without sessions for every revision (what `--workers N` needs). */
  readonly transport: 'streamable-http' | 'sse' | 'all' | 'stateless';
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
  /** Counts and times requests for `/metrics` (`--metrics-port`); nothing is measured without. */
  readonly metrics?: boolean;
  /** `--require-dpop`: only DPoP-bound tokens with proofs are accepted (RFC 9449 §7.1). */
  readonly requireDpop?: boolean;
  /** Accepted DPoP proofs remembered against replay (RFC 9449 §11.1); a default bound when absent. */
  readonly dpopReplayCacheSize?: number;
}

export interface ResourceServerApp {
  /** The Prometheus registry, when `metrics` was asked for. */
  readonly metricsRegistry?: Registry;
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
  const stats = new ServerStats();
  const gate = createCallerGate({
    verifier,
    resourceUrl,
    dangerouslyAcceptAnyAudience: config.dangerouslyAcceptAnyAudience,
    readMessage: config.readJsonBody ?? readJsonBody,
    dpop: {
      required: config.requireDpop ?? false,
      replayCache: new DpopReplayCache(config.dpopReplayCacheSize, now),
      now,
    },
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
      : config.transport === 'stateless'
        ? createStatelessHttpEndpoint(buildServer, onError)
        : createStreamableHttpEndpoint(buildServer, onError, sessionLimits, now);
  const sse =
    config.transport === 'streamable-http' || config.transport === 'stateless'
      ? undefined
      : createDeprecatedSseEndpoint(buildServer, ssePath.messages, sessionLimits, now);

  // What this server answers, each route with its paths, methods and CORS policy.
  const routes: Route[] = [
    protectedResourceMetadataRoute(resourceUrl, config.authorizationServer, config.requireDpop ?? false),
    HEALTH_ROUTE,
    ...(streamable ? [streamableHttpRoute(mcpPath, gate, streamable)] : []),
    ...(sse ? deprecatedSseRoutes(ssePath, gate, sse) : []),
  ];

  const guards = createRequestGuards({
    resourceUrl,
    port: config.port,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
  });
  const metrics = config.metrics
    ? new ResourceServerMetrics({
        activeSessions: () => ({
          streamableHttp: streamable?.activeSessions() ?? 0,
          sse: sse?.activeSessions() ?? 0,
        }),
        ...(verifier.cacheStats
          ? { tokenCache: () => verifier.cacheStats?.() ?? { hits: 0, misses: 0 } }
          : {}),
      })
    : undefined;
  const routeNames = new WeakMap<IncomingMessage, string>();
  const route = createRouter(routes, guards, metrics ? (req, name) => routeNames.set(req, name) : undefined);
  const answerError = createErrorResponder({
    logger,
    resourceMetadataUrl: protectedResourceMetadataUrl(resourceUrl),
    dpopRequired: config.requireDpop ?? false,
  });
  // Every path routed here but the health check (a host program has its own), and the MCP path
  // even when only the deprecated transport is served (404 here).
  const ownedPaths = new Set([
    ...routes.filter((entry) => entry !== HEALTH_ROUTE).flatMap((entry) => entry.paths),
    mcpPath,
  ]);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    stats.countRequest();
    return route(req, res).catch((error: unknown) => answerError(req, res, error));
  };
  return {
    ...(metrics ? { metricsRegistry: metrics.registry } : {}),
    owns: (pathname) => ownedPaths.has(pathname),
    // Without metrics, the handler as it is: nothing added to the request path.
    handle: metrics ? metrics.http.instrument(handle, (req) => routeNames.get(req)) : handle,
    async close() {
      await Promise.allSettled([streamable?.close(), sse?.close()]);
    },
  };
}
