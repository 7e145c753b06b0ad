import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import {
  type AuthInfo,
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpServer,
} from '@modelcontextprotocol/server';
import type { Caller } from '../auth/verified-token.ts';
import { jsonRpcError } from '../errors.ts';
import { type SessionLimits, SessionRegistry } from './session-registry.ts';
import { openWebExchange } from './web-exchange.ts';

export interface StreamableHttpEndpoint {
  /** POST, GET and DELETE on the MCP endpoint, after authentication. */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown, caller: Caller): Promise<void>;
  readonly activeSessions: () => number;
  close(): Promise<void>;
}

/** The MCP SDK's transports read the verified token from `req.auth`. */
type AuthenticatedRequest = IncomingMessage & { auth?: AuthInfo };

/**
 * The Streamable HTTP endpoint for every protocol revision (MCP "Transports", Streamable HTTP):
 * - 2026-07-28 requests are stateless: a fresh server per request through `createMcpHandler`;
 * - 2025 sessions, for 2025-11-25 / 2025-06-18 / 2025-03-26 clients: `Mcp-Session-Id` (MCP
 *   "Session Management"), the GET event stream and DELETE, each session bound to the principal
 *   that opened it.
 * The SDK's own classifier decides which revision a POST speaks (it calls the 2025 ones "legacy").
 */
export function createStreamableHttpEndpoint(
  buildServer: () => McpServer,
  onError: (error: Error) => void,
  sessionLimits: SessionLimits,
  now: () => number,
): StreamableHttpEndpoint {
  const stateless = createMcpHandler(() => buildServer(), { legacy: 'reject', onerror: onError });
  const sessions = new SessionRegistry<NodeStreamableHTTPServerTransport>(sessionLimits, now);

  /** A request in a 2025 session, or the `initialize` that opens one. */
  async function handle2025Session(
    req: AuthenticatedRequest,
    res: ServerResponse,
    body: unknown,
    principal: string,
  ) {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string' && sessionId) {
      const transport = sessions.lookup(sessionId, principal);
      // Unknown, expired, or opened by someone else: the same answer, so ids cannot be probed.
      if (!transport) throw jsonRpcError(404, -32001, 'Session not found');
      return transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      throw jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id: string): void => sessions.add(id, transport, principal),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await buildServer().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  return {
    async handle(req, res, body, caller) {
      const request = req as AuthenticatedRequest;
      request.auth = caller.authInfo;
      if (req.method === 'POST' && !req.headers['mcp-session-id']) {
        // One web Request serves both the revision decision and the 2026-07-28 handler.
        const exchange = await openWebExchange(req, res, body);
        if (!(await isLegacyRequest(exchange.request, body))) {
          const response = await stateless.fetch(exchange.request, {
            authInfo: caller.authInfo,
            parsedBody: body,
          });
          return exchange.respond(response);
        }
      }
      return handle2025Session(request, res, body, caller.principal);
    },
    activeSessions: () => sessions.size,
    async close() {
      await sessions.closeAll();
      await stateless.close();
    },
  };
}
