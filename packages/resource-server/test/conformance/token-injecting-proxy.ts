import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny reverse proxy for the MCP conformance suite, whose server scenarios speak MCP but no
 * OAuth: every request is forwarded to the resource server with `Authorization: Bearer <token>`
 * added, and every response (JSON or a long-lived SSE stream) is streamed back unchanged.
 *
 * The proxy is deliberately transparent about where a request came from: the `Host` and
 * `Origin` headers the suite sends reach the RS exactly as sent (Node's client keeps an explicit
 * `host` header instead of deriving one from the upstream address). DNS rebinding protection is
 * therefore still decided by the RS itself, never by the proxy, which answers nothing on its own
 * except 502/503 when the RS cannot be reached. The consequence is that the RS sees the proxy's
 * authority (`127.0.0.1:<proxy port>`) as the Host of every legitimate request, exactly as a
 * server behind a real reverse proxy does; the test lists it in the RS's `allowedHosts`, the
 * documented option for that deployment. A foreign Host such as `evil.example.com` still arrives
 * untouched and must still be refused by the RS, now even though the request carries a valid
 * token, so a 4xx cannot come from a missing token.
 *
 * Because the RS's allowed hosts must be known before it starts, the proxy listens first and is
 * pointed at the RS afterwards with `forwardTo`.
 */
export interface TokenInjectingProxy {
  /** `http://127.0.0.1:<port>`; append the MCP path (e.g. `/mcp`) for the suite's `--url`. */
  readonly origin: string;
  /** `127.0.0.1:<port>`, the Host header legitimate requests through the proxy carry. */
  readonly host: string;
  /** Every forwarded request, with the Host/Origin it carried and the RS's status. */
  readonly exchanges: readonly ProxiedExchange[];
  /** Starts forwarding to `target` (an origin such as `http://localhost:8001`) with `token`. */
  forwardTo(target: string, token: string): void;
  close(): Promise<void>;
}

export interface ProxiedExchange {
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** The RS's status code, or undefined when the RS could not be reached. */
  status: number | undefined;
}

/** RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    result[name] = value;
  }
  return result;
}

function sendProxyError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`token-injecting proxy: ${message}\n`);
}

export async function startTokenInjectingProxy(): Promise<TokenInjectingProxy> {
  let upstream: { url: URL; token: string } | undefined;
  const exchanges: ProxiedExchange[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (!upstream) return sendProxyError(res, 503, 'not pointed at a resource server yet');
    const exchange: ProxiedExchange = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      host: req.headers.host,
      origin: req.headers.origin,
      status: undefined,
    };
    exchanges.push(exchange);

    // Host (and Origin) pass through as the client sent them; only the credential is added.
    const headers = endToEndHeaders(req.headers);
    headers.authorization = `Bearer ${upstream.token}`;
    const outgoing = httpRequest({
      protocol: upstream.url.protocol,
      hostname: upstream.url.hostname,
      port: upstream.url.port,
      method: req.method,
      path: req.url,
      headers,
      // One upstream connection per request: nothing outlives the exchange it belongs to.
      agent: false,
    });

    outgoing.on('response', (incoming) => {
      exchange.status = incoming.statusCode;
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, endToEndHeaders(incoming.headers));
      // SSE: the client must see the headers (and the session id) before the first event.
      res.flushHeaders();
      incoming.pipe(res);
      incoming.on('error', () => res.destroy());
    });
    outgoing.on('error', (error) => sendProxyError(res, 502, error.message));
    // The client hung up (e.g. it cancelled an SSE stream): hang up on the RS as well.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  };

  const server = createHttpServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;

  return {
    origin: `http://${host}`,
    host,
    exchanges,
    forwardTo(target, token) {
      upstream = { url: new URL(target), token };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
