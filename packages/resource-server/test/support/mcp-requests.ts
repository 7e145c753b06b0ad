import assert from 'node:assert/strict';

/** A 2025-era initialize: over Streamable HTTP it opens a session (`Mcp-Session-Id`). */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
} as const;

/** A JSON-RPC message POSTed as an MCP client sends it, with `headers` added. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** A `tools/call` message (MCP "Tools") without the 2026-07-28 envelope: for 2025-era sessions. */
export function toolCall(name: string, args: unknown, id = 2) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

/**
 * A stateless 2026-07-28 `tools/call`: the per-request envelope in `_meta` and the headers that
 * must agree with it (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`).
 */
export function callTool(
  url: string,
  token: string,
  name: string,
  args: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const message = toolCall(name, args);
  return post(
    url,
    {
      ...message,
      params: {
        ...message.params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'security-test', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
    {
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': name,
      ...headers,
    },
  );
}

/** The `CallToolResult` of a 2026-07-28 answer (JSON or one SSE `message` event). */
export async function toolResultOf(response: Response): Promise<{
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  error?: { code: number; message: string };
}> {
  const text = await response.text();
  const json = text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? '{}');
  const message = JSON.parse(json) as { result?: object; error?: { code: number; message: string } };
  return message.result ?? { error: message.error ?? { code: 0, message: text } };
}

/** The parameters of an RFC 6750 §3 `Bearer` challenge. */
export function parseChallenge(header: string | null): Record<string, string> {
  assert.ok(header?.startsWith('Bearer '), `not a Bearer challenge: ${header}`);
  const parameters: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    parameters[match[1] ?? ''] = match[2] ?? '';
  return parameters;
}

/** Every MCP endpoint of a resource server at `resourceUrl`, as a request a client could send. */
export function everyEndpoint(resourceUrl: string): Array<[string, string, RequestInit]> {
  return [
    [
      'POST /mcp',
      resourceUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(INITIALIZE),
      },
    ],
    ['GET /mcp', resourceUrl, { method: 'GET', headers: { accept: 'text/event-stream' } }],
    ['DELETE /mcp', resourceUrl, { method: 'DELETE', headers: { 'mcp-session-id': 'x' } }],
    ['GET /mcp/sse', `${resourceUrl}/sse`, { method: 'GET', headers: { accept: 'text/event-stream' } }],
    [
      'POST /mcp/messages',
      `${resourceUrl}/messages?sessionId=x`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    ],
  ];
}

/** `init` with `headers` added (or replacing ones of the same name). */
export function withHeaders(init: RequestInit, headers: Record<string, string>): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } };
}

/** A session of the deprecated HTTP+SSE transport, open as long as its GET …/sse stream is. */
export interface SseSession {
  readonly sessionId: string;
  /** Where this session's messages are POSTed (`…/mcp/messages?sessionId=…`). */
  readonly messagesUrl: string;
  close(): Promise<void>;
}

/** GET `<resourceUrl>/sse` with `token`, read until the stream names its message endpoint. */
export async function openSseSession(resourceUrl: string, token: string): Promise<SseSession> {
  const response = await fetch(`${resourceUrl}/sse`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  assert.equal(response.status, 200, 'GET /mcp/sse');
  assert.ok(response.body);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  let sessionId: string | undefined;
  while (!sessionId) {
    const { value, done } = await reader.read();
    assert.ok(!done, 'the stream names its message endpoint first');
    text += value;
    sessionId = /^data: .*[?&]sessionId=([^&\s]+)/m.exec(text)?.[1];
  }
  return {
    sessionId,
    messagesUrl: `${resourceUrl}/messages?sessionId=${sessionId}`,
    close: () => reader.cancel().catch(() => {}),
  };
}
