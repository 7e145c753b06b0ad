/**
 * 2025-era Streamable HTTP sessions, as a 2025-11-25 client opens them: `initialize` (the answer
 * names the `Mcp-Session-Id`), then `notifications/initialized` on the session.
 */
import { Agent, request } from 'node:http';
import type { RequestSpec } from '../load.ts';

export const SESSION_PROTOCOL_VERSION = '2025-11-25';

export interface McpAnswer {
  readonly status: number;
  readonly sessionId: string | undefined;
  readonly body: string;
}

export function postMcp(
  agent: Agent | false,
  port: number,
  headers: Record<string, string>,
  body: string,
): Promise<McpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/mcp',
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const sessionId = res.headers['mcp-session-id'];
          resolve({
            status: res.statusCode ?? 0,
            sessionId: typeof sessionId === 'string' ? sessionId : undefined,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens one session and returns its id. */
export async function open2025Session(
  agent: Agent | false,
  port: number,
  token: string,
  clientName = 'mcp-auth-bench',
): Promise<string> {
  const authorization = `Bearer ${token}`;
  const initialize = await postMcp(
    agent,
    port,
    { authorization },
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: SESSION_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: clientName, version: '1.0.0' },
      },
    }),
  );
  if (initialize.status !== 200 || !initialize.sessionId) {
    throw new Error(`initialize answered ${initialize.status}: ${initialize.body.slice(0, 200)}`);
  }
  const initialized = await postMcp(
    agent,
    port,
    {
      authorization,
      'mcp-session-id': initialize.sessionId,
      'mcp-protocol-version': SESSION_PROTOCOL_VERSION,
    },
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  );
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return initialize.sessionId;
}

/** Opens `count` sessions, `parallel` at a time, and returns their ids. */
export async function open2025Sessions(
  port: number,
  token: string,
  count: number,
  parallel = 8,
): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      ids.push(await open2025Session(agent, port, token, `bench-session-${index}`));
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    agent.destroy();
  }
  return ids;
}

/** A `tools/call` on an open session, as a 2025-11-25 client sends it. */
export function sessionToolCall(
  port: number,
  token: string,
  sessionId: string,
  tool: string,
  args: Record<string, unknown>,
): RequestSpec {
  return {
    method: 'POST',
    path: '/mcp',
    headers: {
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': SESSION_PROTOCOL_VERSION,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: tool, arguments: args },
    }),
  };
}
