import {
  createLogger,
  type HttpListener,
  type Logger,
  listenUntilReady,
  localMcpUrl,
} from '@mcp-auth/shared';
import { startMetricsListener } from '@mcp-auth/shared/metrics';
import { discoverAuthorizationServer } from './auth/authorization-server-metadata.ts';
import { createTokenVerifier } from './auth/create-token-verifier.ts';
import type { TokenVerifier } from './auth/verified-token.ts';
import type { JsonBodyReader } from './http/json-body.ts';
import { type ResourceServerOptionsInput, resourceServerOptionsSchema } from './options.ts';
import { createResourceServerApp, type ResourceServerApp } from './resource-server-app.ts';
import { DEFAULT_SESSION_LIMITS } from './transports/session-registry.ts';

export interface RunningResourceServer {
  /** The canonical MCP endpoint URL (RFC 9728 `resource`). */
  readonly resourceUrl: string;
  readonly port: number;
  readonly authorizationServer: string;
  readonly verifier: TokenVerifier['kind'];
  /** The transports it serves (`--transport`). */
  readonly transport: 'streamable-http' | 'sse' | 'all' | 'stateless';
  /** Where `/metrics` is served, when `metrics` was given (`--metrics-port`). */
  readonly metricsUrl?: string;
  close(): Promise<void>;
}

export interface ResourceServerOverrides {
  readonly logger?: Logger;
  readonly fetchImpl?: typeof fetch;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock of session idle times (epoch milliseconds). */
  readonly now?: () => number;
  /** Reads MCP request bodies; replaceable so tests can watch when bodies are read. */
  readonly readJsonBody?: JsonBodyReader;
  /** JWT verification: least time between JWKS fetches (default 30 s); tests shorten it. */
  readonly jwksRefetchCooldownMs?: number;
}

/**
 * `mcp-auth-rs`: validate the options, discover the AS (RFC 8414) and build the verifier it
 * allows, then listen, then serve the app on the port it got.
 */
export async function startResourceServer(
  input: ResourceServerOptionsInput,
  overrides: ResourceServerOverrides = {},
): Promise<RunningResourceServer> {
  const options = resourceServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const fetchImpl = overrides.fetchImpl ? { fetchImpl: overrides.fetchImpl } : {};
  const metadata = await discoverAuthorizationServer(options.authServer, {
    waitSeconds: options.authServerWaitSeconds,
    onWaiting: (message) => logger.info(message),
    ...fetchImpl,
  });
  const verifier = await createTokenVerifier(options, metadata, {
    logger,
    env: overrides.env ?? process.env,
    ...fetchImpl,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.jwksRefetchCooldownMs !== undefined
      ? { jwksRefetchCooldownMs: overrides.jwksRefetchCooldownMs }
      : {}),
  });
  if (options.dangerouslyAcceptAnyAudience) {
    logger.warn('DANGEROUS: token audience is not checked; any token from this AS opens this server');
  }

  const listener = await listenUntilReady({ port: options.port, host: options.host });
  const resourceUrl = options.resourceUrl ?? localMcpUrl(listener.port);
  let app: ResourceServerApp;
  try {
    app = createResourceServerApp({
      resourceUrl,
      port: listener.port,
      authorizationServer: metadata.issuer,
      verifier,
      transport: options.transport,
      allowedHosts: options.allowedHosts,
      allowedOrigins: options.allowedOrigins,
      dangerouslyAcceptAnyAudience: options.dangerouslyAcceptAnyAudience,
      requireDpop: options.requireDpop,
      sessionLimits: {
        ...DEFAULT_SESSION_LIMITS,
        maxSessions: options.maxSessions,
        maxPerPrincipal: options.maxSessionsPerSubject,
      },
      logger,
      metrics: options.metrics !== undefined,
      ...(overrides.now ? { now: overrides.now } : {}),
      ...(overrides.readJsonBody ? { readJsonBody: overrides.readJsonBody } : {}),
    });
  } catch (error) {
    await listener.close();
    throw error;
  }
  let metricsListener: HttpListener | undefined;
  if (options.metrics && app.metricsRegistry) {
    try {
      metricsListener = await startMetricsListener({ ...options.metrics, registry: app.metricsRegistry });
    } catch (error) {
      await app.close();
      await listener.close();
      throw error;
    }
  }
  const metricsUrl = metricsListener
    ? `http://${hostForUrl(options.metrics?.host ?? '127.0.0.1')}:${metricsListener.port}/metrics`
    : undefined;
  listener.serve(app.handle);

  logger.info('resource server started', {
    resource: resourceUrl,
    // Not `authorizationServer`: the logger redacts every field named like `authorization`.
    authServer: metadata.issuer,
    verifier: verifier.kind,
    transport: options.transport,
  });
  return {
    resourceUrl,
    port: listener.port,
    authorizationServer: metadata.issuer,
    transport: options.transport,
    verifier: verifier.kind,
    ...(metricsUrl ? { metricsUrl } : {}),
    close: async () => {
      await app.close();
      await Promise.all([listener.close(), metricsListener?.close()]);
    },
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
