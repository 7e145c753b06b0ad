/**
 * A server under test, in its own process (spawned by `startServerChild`): the real resource
 * server, the same MCP server without authentication, or a bare `node:http` server. It reports
 * its port over IPC, answers memory questions, and exits when its parent goes away.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startResourceServer } from '@mcp-auth/resource-server';
import { silentLogger } from '@mcp-auth/shared';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { buildMcpServer } from '../../packages/resource-server/dist/mcp-server.js';

export type ServerChildConfig =
  /** `mcp-auth-rs` as its CLI starts it (dist build), with the verifier under test. */
  | {
      readonly mode: 'rs';
      readonly port: number;
      readonly authServer: string;
      readonly resourceUrl: string;
      readonly tokenVerification: 'jwt' | 'introspection';
      readonly introspectionCacheSeconds: number;
      readonly devCredentialsFile: string;
    }
  /** The same MCP server (`buildMcpServer`) through the SDK's stateless handler, no authentication. */
  | { readonly mode: 'noauth'; readonly port: number }
  /** The machine's ceiling: reads the request and answers a fixed response. */
  | {
      readonly mode: 'bare';
      readonly port: number;
      readonly response: { status: number; headers: Record<string, string>; body: string };
    };

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'memory'; readonly usage: NodeJS.MemoryUsage }
  | { readonly type: 'failed'; readonly message: string };

const send = (message: ChildMessage) => process.send?.(message);

const stats = () => ({ uptimeSeconds: 0, requestsServed: 0, activeSessions: 0, verifierCacheHitRate: null });

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function start(config: ServerChildConfig): Promise<{ port: number; close: () => Promise<void> }> {
  if (config.mode === 'rs') {
    const rs = await startResourceServer(
      {
        port: config.port,
        host: '127.0.0.1',
        authServer: config.authServer,
        resourceUrl: config.resourceUrl,
        tokenVerification: config.tokenVerification,
        introspectionCacheSeconds: config.introspectionCacheSeconds,
        devCredentialsFile: config.devCredentialsFile,
        authServerWaitSeconds: 10,
        // Every bench session is one person's (one token): up to 1,000 held at once, and one per
        // load connection. The per-subject bound (32 by default) would recycle them mid-run.
        maxSessionsPerSubject: 10_000,
      },
      { logger: silentLogger },
    );
    return { port: rs.port, close: () => rs.close() };
  }
  let server: Server;
  if (config.mode === 'noauth') {
    const handler = toNodeHandler(createMcpHandler(() => buildMcpServer(stats), { legacy: 'reject' }));
    // The body is read and parsed first and handed over, as the RS does (and as `express.json()`
    // users do), so the difference between the two is authentication and the RS's routing.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString());
        } catch {
          res.writeHead(400).end();
          return;
        }
        void handler(req, res, body);
      });
    });
  } else {
    const { status, headers, body } = config.response;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, headers);
        res.end(body);
      });
    });
  }
  const port = await listen(server, config.port);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const config = JSON.parse(process.argv[2] ?? '{}') as ServerChildConfig;
try {
  const running = await start(config);
  const stop = async () => {
    await running.close().catch(() => {});
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'memory') {
      globalThis.gc?.();
      send({ type: 'memory', usage: process.memoryUsage() });
    } else if (message.type === 'stop') void stop();
  });
  send({ type: 'ready', port: running.port });
} catch (error) {
  send({ type: 'failed', message: (error as Error).message });
  process.exit(1);
}
