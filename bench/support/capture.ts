/**
 * The exact HTTP request a 2026-07-28 MCP client sends for `tools/call`, captured from the SDK's
 * own `Client` (pinned to 2026-07-28) against the demo MCP server, and the server's answer to
 * it: the benchmark replays the one and the bare ceiling server answers the other.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { buildMcpServer } from '../../packages/resource-server/dist/mcp-server.js';
import type { RequestSpec } from '../load.ts';

export const PROTOCOL_VERSION = '2026-07-28';
export const EXPRESSION = '2+3*4';
/** What every correct answer contains. */
export const EXPECTED_RESULT = '"result":14';

export interface CapturedExchange {
  /** Without `host`, `authorization`, `content-length` and `connection`: the replay sets those. */
  readonly request: RequestSpec;
  readonly response: { status: number; headers: Record<string, string>; body: string };
}

const PER_CONNECTION = new Set(['host', 'authorization', 'content-length', 'connection']);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function captureToolsCall(): Promise<CapturedExchange> {
  const stats = () => ({
    uptimeSeconds: 0,
    requestsServed: 0,
    activeSessions: 0,
    verifierCacheHitRate: null,
  });
  const handler = toNodeHandler(createMcpHandler(() => buildMcpServer(stats), { legacy: 'reject' }));
  let captured: RequestSpec | undefined;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      if (req.headers['mcp-method'] === 'tools/call' && !captured) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (!PER_CONNECTION.has(name) && typeof value === 'string') headers[name] = value;
        }
        captured = { method: req.method ?? 'POST', path: req.url ?? '/mcp', headers, body };
      }
      return handler(req, res, body ? JSON.parse(body) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const client = new Client(
      { name: 'mcp-auth-bench', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: PROTOCOL_VERSION } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: 'Bearer probe' } },
      }),
    );
    await client.callTool({ name: 'calculator', arguments: { expression: EXPRESSION } });
    await client.close();
    if (!captured) throw new Error('the client sent no tools/call request');
    const response = await replayOnce(port, captured);
    if (response.status !== 200 || !response.body.includes(EXPECTED_RESULT)) {
      throw new Error(`unexpected answer to the captured request: ${response.status} ${response.body}`);
    }
    return { request: captured, response };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function replayOnce(port: number, spec: RequestSpec): Promise<CapturedExchange['response']> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method,
        path: spec.path,
        headers: { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body ?? '')) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'cache-control']) {
            const value = res.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** The captured request, aimed at one server with one token. */
export function toolsCallRequest(captured: CapturedExchange, port: number, token?: string): RequestSpec {
  return {
    ...captured.request,
    headers: {
      ...captured.request.headers,
      host: `127.0.0.1:${port}`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  };
}
