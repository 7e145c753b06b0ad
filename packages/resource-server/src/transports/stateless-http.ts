import { type AuthInfo, createMcpHandler, type McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../auth/verified-token.ts';
import type { StreamableHttpEndpoint } from './streamable-http.ts';
import { openWebExchange } from './web-exchange.ts';

/**
 * The Streamable HTTP endpoint with no session for any revision (`--transport stateless`), which
 * is what lets any process of `--workers N` answer any request: 2026-07-28 requests are stateless
 * by design; 2025-era clients are served without a session, as MCP 2025-11-25 "Session
 * Management" allows ("A server using the Streamable HTTP transport MAY assign a session ID"):
 * each POST answered by a fresh server, no `Mcp-Session-Id`, GET and DELETE answered 405 (the
 * SDK's stateless legacy serving, `legacy: 'stateless'`).
 */
export function createStatelessHttpEndpoint(
  buildServer: () => McpServer,
  onError: (error: Error) => void,
): StreamableHttpEndpoint {
  const handler = createMcpHandler(() => buildServer(), { legacy: 'stateless', onerror: onError });
  return {
    async handle(req, res, body, caller: Caller) {
      (req as { auth?: AuthInfo }).auth = caller.authInfo;
      const exchange = await openWebExchange(req, res, body);
      const response = await handler.fetch(exchange.request, {
        authInfo: caller.authInfo,
        ...(body === undefined ? {} : { parsedBody: body }),
      });
      return exchange.respond(response);
    },
    activeSessions: () => 0,
    close: () => handler.close(),
  };
}
