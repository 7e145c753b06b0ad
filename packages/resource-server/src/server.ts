import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type Logger, listenUntilReady, localMcpUrl } from '@mcp-auth/shared';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { missingScopeChallenge, verifyBearerToken } from './auth/authenticate-request.ts';
import { discoverAuthorizationServer } from './auth/authorization-server-metadata.ts';
import { type BearerChallenge, challengeBody, challengeHeader } from './auth/bearer-challenge.ts';
import {
  defaultDevCredentialsFile,
  resolveIntrospectionCredentials,
} from './auth/introspection-credentials.ts';
import { createIntrospectionVerifier } from './auth/introspection-verifier.ts';
import { createJwtVerifier } from './auth/jwt-verifier.ts';
import { type TokenVerifier, type VerifiedToken, VerifierUnavailableError } from './auth/verified-token.ts';
import { answerPreflight, setCorsHeaders, setPublicCorsHeaders } from './http/cors.ts';
import { type JsonBodyReader, readJsonBody } from './http/json-body.ts';
import { createRequestGuards } from './http/request-guards.ts';
import { closeConnectionIfBodyPending, drainableBody } from './http/unread-body.ts';
import { buildMcpServer } from './mcp-server.ts';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from './metadata/protected-resource-metadata.ts';
import { type ResourceServerOptionsInput, resourceServerOptionsSchema } from './options.ts';
import { ServerStats } from './tools/server-stats.ts';
import { BASE_SCOPES, scopesForMessage } from './tools/tool-scopes.ts';
import { createLegacySseEndpoint, ssePaths } from './transports/legacy-sse.ts';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './transports/session-registry.ts';
import { createStreamableHttpEndpoint } from './transports/streamable-http.ts';

export interface RunningResourceServer {
  /** The canonical MCP endpoint URL (RFC 9728 `resource`). */
  readonly resourceUrl: string;
  readonly port: number;
  readonly authorizationServer: string;
  readonly verifier: TokenVerifier['kind'];
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
}

export async function startResourceServer(
  input: ResourceServerOptionsInput,
  overrides: ResourceServerOverrides = {},
): Promise<RunningResourceServer> {
  const options = resourceServerOptionsSchema.parse(input);
  const logger = overrides.logger ?? createLogger({ level: options.logLevel });
  const metadata = await discoverAuthorizationServer(options.authServer, {
    waitSeconds: options.authServerWaitSeconds,
    onWaiting: (message) => logger.info(message),
    ...(overrides.fetchImpl ? { fetchImpl: overrides.fetchImpl } : {}),
  });
  const verifier = await createVerifier(options, metadata, logger, overrides);
  if (options.dangerouslyAcceptAnyAudience) {
    logger.warn('DANGEROUS: token audience is not checked; any token from this AS opens this server');
  }

  const listener = await listenUntilReady({ port: options.port, host: options.host });
  const port = listener.port;
  const resourceUrl = options.resourceUrl ?? localMcpUrl(port);
  const app = createResourceServerApp({
    resourceUrl,
    port,
    authorizationServer: metadata.issuer,
    verifier,
    transport: options.transport,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
    dangerouslyAcceptAnyAudience: options.dangerouslyAcceptAnyAudience,
    sessionLimits: {
      ...DEFAULT_SESSION_LIMITS,
      maxSessions: options.maxSessions,
      maxPerPrincipal: options.maxSessionsPerSubject,
    },
    logger,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.readJsonBody ? { readJsonBody: overrides.readJsonBody } : {}),
  });
  listener.serve(app.handle);

  logger.info('resource server started', {
    resource: resourceUrl,
    authorizationServer: metadata.issuer,
    verifier: verifier.kind,
    transport: options.transport,
  });
  return {
    resourceUrl,
    port,
    authorizationServer: metadata.issuer,
    verifier: verifier.kind,
    close: async () => {
      await app.close();
      await listener.close();
    },
  };
}

async function createVerifier(
  options: ReturnType<typeof resourceServerOptionsSchema.parse>,
  metadata: { issuer: string; introspection_endpoint?: string; jwks_uri?: string },
  logger: Logger,
  overrides: ResourceServerOverrides,
): Promise<TokenVerifier> {
  if (options.tokenVerification === 'jwt') {
    if (!metadata.jwks_uri)
      throw new Error(`${metadata.issuer} publishes no jwks_uri; use --token-verification=introspection`);
    return createJwtVerifier({ issuer: metadata.issuer, jwksUri: metadata.jwks_uri });
  }
  if (!metadata.introspection_endpoint) {
    throw new Error(`${metadata.issuer} publishes no introspection_endpoint; use --token-verification=jwt`);
  }
  const credentials = await resolveIntrospectionCredentials({
    ...(options.introspection ? { configured: options.introspection } : {}),
    authServer: metadata.issuer,
    devCredentialsFile: options.devCredentialsFile ?? defaultDevCredentialsFile(overrides.env ?? process.env),
  });
  if (credentials.source === 'development-file') {
    logger.warn(
      'DEVELOPMENT introspection credential in use (read from the local AS data folder); configure real credentials in production',
    );
  }
  return createIntrospectionVerifier({
    introspectionEndpoint: metadata.introspection_endpoint,
    issuer: metadata.issuer,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    cacheSeconds: options.introspectionCacheSeconds,
    cacheSize: options.introspectionCacheSize,
    ...(overrides.fetchImpl ? { fetchImpl: overrides.fetchImpl } : {}),
  });
}

interface AuthenticatedCaller {
  readonly verified: VerifiedToken;
  readonly authInfo: AuthInfo;
  /** Who sessions belong to. */
  readonly principal: string;
}

/** Sessions belong to an issuer's subject (a person), or to a client for machine tokens. */
function principalOf(verified: VerifiedToken): string {
  return JSON.stringify([verified.issuer ?? '', verified.subject ?? `client:${verified.clientId ?? ''}`]);
}

function toAuthInfo(token: string, verified: VerifiedToken, resourceUrl: string): AuthInfo {
  return {
    token,
    clientId: verified.clientId ?? '',
    scopes: [...verified.scopes],
    expiresAt: verified.expiresAt,
    resource: new URL(resourceUrl),
    extra: {
      subject: verified.subject,
      username: verified.username,
      audience: verified.audience,
      issuer: verified.issuer,
    },
  };
}

function sendRaw(res: ServerResponse, status: number, body: string): void {
  closeConnectionIfBodyPending(res.req, res);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('cache-control', 'no-store');
  sendRaw(res, status, JSON.stringify(body));
}

/**
 * GET and DELETE carry no message here (RFC 9110 §9.3.1: a GET body has no defined meaning). A
 * body larger than Node drains for free is refused rather than left for Node to read to its end.
 */
function refuseUnwantedBody(req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 400, {
    error: 'invalid_request',
    error_description: `a ${req.method} request carries no body here; send it without one`,
  });
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendRaw(res, status, JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

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
 * The protected MCP endpoint without a listener: routing, authentication and the transports.
 * `startResourceServer` serves it alone; the legacy combined server serves it beside the AS.
 */
export function createResourceServerApp(config: ResourceServerAppConfig): ResourceServerApp {
  const { resourceUrl, port, verifier, logger } = config;
  const sessionLimits = config.sessionLimits ?? DEFAULT_SESSION_LIMITS;
  const now = config.now ?? Date.now;
  const readBody = config.readJsonBody ?? readJsonBody;
  const mcpPath = new URL(resourceUrl).pathname;
  const ssePath = ssePaths(mcpPath);
  const metadataUrl = protectedResourceMetadataUrl(resourceUrl);
  const metadataPaths = new Set(protectedResourceMetadataPaths(resourceUrl));
  const metadataDocument = JSON.stringify(protectedResourceMetadata(resourceUrl, config.authorizationServer));
  const guards = createRequestGuards({
    resourceUrl,
    port,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
  });
  const stats = new ServerStats();
  const serveStreamable = config.transport !== 'sse';
  const serveSse = config.transport !== 'streamable-http';
  const onError = (error: Error) => logger.error('MCP transport error', { error });
  let streamable: ReturnType<typeof createStreamableHttpEndpoint> | undefined;
  let sse: ReturnType<typeof createLegacySseEndpoint> | undefined;
  const buildServer = () =>
    buildMcpServer(() =>
      stats.snapshot({
        activeSessions: (streamable?.activeSessions() ?? 0) + (sse?.activeSessions() ?? 0),
        ...(verifier.cacheStats ? { cache: verifier.cacheStats() } : {}),
      }),
    );
  streamable = serveStreamable
    ? createStreamableHttpEndpoint(buildServer, onError, sessionLimits, now)
    : undefined;
  sse = serveSse ? createLegacySseEndpoint(buildServer, ssePath.messages, sessionLimits, now) : undefined;

  function sendChallenge(res: ServerResponse, challenge: BearerChallenge): void {
    res.setHeader('www-authenticate', challengeHeader(challenge, metadataUrl));
    sendJson(res, challenge.status, challengeBody(challenge));
  }

  /**
   * Verifies the token from the headers alone, before any body is read; on failure answers the
   * challenge itself (leaving the body unread) and returns undefined.
   */
  async function authenticate(
    req: IncomingMessage,
    res: ServerResponse,
    requestUrl: URL,
  ): Promise<AuthenticatedCaller | undefined> {
    const result = await verifyBearerToken(req, {
      verifier,
      resourceUrl,
      acceptAnyAudience: config.dangerouslyAcceptAnyAudience,
      challengeScopes: BASE_SCOPES,
      requestUrl,
    });
    if (!result.ok) {
      sendChallenge(res, result.challenge);
      return undefined;
    }
    return {
      verified: result.verified,
      authInfo: toAuthInfo(result.token, result.verified, resourceUrl),
      principal: principalOf(result.verified),
    };
  }

  /**
   * An authenticated caller's JSON-RPC message, read within the size and nesting limits and
   * allowed by the token's scopes; otherwise the refusal is answered and undefined returned.
   */
  async function readPermittedMessage(
    req: IncomingMessage,
    res: ServerResponse,
    caller: AuthenticatedCaller,
  ): Promise<{ message: unknown } | undefined> {
    const parsed = await readBody(req);
    if (!parsed.ok) {
      sendJsonRpcError(res, parsed.status, parsed.code, parsed.message);
      return undefined;
    }
    const challenge = missingScopeChallenge(caller.verified, scopesForMessage(parsed.value));
    if (challenge) {
      sendChallenge(res, challenge);
      return undefined;
    }
    return { message: parsed.value };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.countRequest();
    const requestUrl = new URL(req.url ?? '/', 'http://placeholder');
    const pathname = requestUrl.pathname;
    if (!guards.hostAllowed(req))
      return sendJson(res, 403, { error: 'forbidden', error_description: 'unknown Host header' });
    if (metadataPaths.has(pathname)) {
      setPublicCorsHeaders(res);
      if (req.method === 'OPTIONS') return answerPreflight(res, '*');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
      res.setHeader('cache-control', 'public, max-age=300');
      return sendRaw(res, 200, metadataDocument);
    }
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    const origin = guards.originDecision(req);
    // DNS rebinding protection: a foreign browser origin is refused before anything else.
    if (!origin.allowed)
      return sendJson(res, 403, { error: 'forbidden', error_description: 'origin not allowed' });
    setCorsHeaders(res, origin.origin);
    if (req.method === 'OPTIONS') return answerPreflight(res, origin.origin);

    if (streamable && pathname === mcpPath) {
      if (!['POST', 'GET', 'DELETE'].includes(req.method ?? '')) {
        return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, POST, DELETE' });
      }
      const caller = await authenticate(req, res, requestUrl);
      if (!caller) return;
      if (req.method !== 'POST') {
        if (!drainableBody(req)) return refuseUnwantedBody(req, res);
        return streamable.handle(req, res, undefined, caller);
      }
      const permitted = await readPermittedMessage(req, res, caller);
      if (!permitted) return;
      return streamable.handle(req, res, permitted.message, caller);
    }
    if (sse && pathname === ssePath.stream) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
      const caller = await authenticate(req, res, requestUrl);
      if (!caller) return;
      if (!drainableBody(req)) return refuseUnwantedBody(req, res);
      return sse.open(res, caller);
    }
    if (sse && pathname === ssePath.messages) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      const caller = await authenticate(req, res, requestUrl);
      if (!caller) return;
      const permitted = await readPermittedMessage(req, res, caller);
      if (!permitted) return;
      return sse.post(req, res, permitted.message, caller);
    }
    return sendJson(res, 404, { error: 'not_found' });
  }

  const handle = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    route(req, res).catch((error: unknown) => {
      if (error instanceof VerifierUnavailableError) {
        logger.error('token verification unavailable', { error: error.message });
        if (!res.headersSent) {
          res.setHeader('retry-after', '5');
          return sendJson(res, 503, {
            error: 'temporarily_unavailable',
            error_description: 'the authorization server cannot be reached',
          });
        }
      } else {
        logger.error('unexpected error', { method: req.method, error });
      }
      if (!res.headersSent) return sendJson(res, 500, { error: 'server_error' });
      res.destroy();
    });

  return {
    owns: (pathname) =>
      metadataPaths.has(pathname) ||
      pathname === mcpPath ||
      (serveSse && (pathname === ssePath.stream || pathname === ssePath.messages)),
    handle,
    close: async () => {
      await Promise.allSettled([streamable?.close(), sse?.close()]);
    },
  };
}
