import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestTargetUrl } from '@mcp-auth/shared';
import type { AuthInfo, McpServer } from '@modelcontextprotocol/server';
import { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import type { Caller } from '../auth/verified-token.ts';
import { jsonRpcError } from '../errors.ts';
import { type SessionLimits, SessionRegistry } from './session-registry.ts';

/**
 * The deprecated transport lives under the MCP endpoint's path (`/mcp/sse`, `/mcp/messages`): the
 * protected resource is `…/mcp`, and clients accept a resource only for URLs at or below it
 * (RFC 9728 §3.3 as the MCP SDKs apply it), so a sibling `/sse` could never get a token.
 */
export function ssePaths(mcpPath: string): { stream: string; messages: string } {
  const base = mcpPath.replace(/\/$/, '');
  return { stream: `${base}/sse`, messages: `${base}/messages` };
}

export interface DeprecatedSseEndpoint {
  /** GET …/sse: opens the event stream of a new session. */
  open(res: ServerResponse, caller: Caller): Promise<void>;
  /** POST …/messages?sessionId=…: one client message into its session. */
  post(req: IncomingMessage, res: ServerResponse, body: unknown, caller: Caller): Promise<void>;
  readonly activeSessions: () => number;
  close(): Promise<void>;
}

/**
 * The deprecated HTTP+SSE transport of MCP 2024-11-05 ("Transports", HTTP with SSE), through the
 * SDK's frozen v1 copy (@modelcontextprotocol/server-legacy). Both the stream and every message
 * post are authenticated, and a session answers only the principal that opened it.
 */
export function createDeprecatedSseEndpoint(
  buildServer: () => McpServer,
  messagesPath: string,
  sessionLimits: SessionLimits,
  now: () => number,
): DeprecatedSseEndpoint {
  const sessions = new SessionRegistry<SSEServerTransport>(sessionLimits, now);
  return {
    async open(res, caller) {
      res.setHeader('deprecation', 'true');
      const transport = new SSEServerTransport(messagesPath, res);
      sessions.add(transport.sessionId, transport, caller.principal);
      transport.onclose = () => sessions.delete(transport.sessionId);
      await buildServer().connect(transport);
    },
    async post(req, res, body, caller) {
      const sessionId = requestTargetUrl(req)?.searchParams.get('sessionId');
      const transport = sessionId ? sessions.lookup(sessionId, caller.principal) : undefined;
      if (!sessionId) throw jsonRpcError(400, -32000, 'Missing sessionId parameter');
      // Unknown, expired, or opened by someone else: the same answer, so ids cannot be probed.
      if (!transport) throw jsonRpcError(404, -32001, 'Session not found');
      (req as IncomingMessage & { auth?: AuthInfo }).auth = caller.authInfo;
      await transport.handlePostMessage(req, res, body);
    },
    activeSessions: () => sessions.size,
    close: () => sessions.closeAll(),
  };
}
