import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from './self-signed-certificate.ts';

/**
 * A local HTTPS server playing the client's metadata host, with one route per behaviour the
 * safe fetch must handle. It counts TCP connections, not just requests, so a test can prove a
 * refused fetch never reached the network.
 */
export interface MetadataServer {
  readonly origin: string; // https://localhost:<port>
  readonly port: number;
  readonly cert: string;
  readonly connections: () => number;
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
  readonly close: () => Promise<void>;
}

export const SIZE_LIMIT = 5 * 1024;

export async function startMetadataServer(): Promise<MetadataServer> {
  const certificate = createSelfSignedCertificate();
  const requests: MetadataServer['requests'] = [];
  let connections = 0;
  let origin = '';
  const server = createServer(certificate, (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    switch (req.url) {
      case '/client.json':
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'max-age=300');
        res.setHeader('x-repeated', ['one', 'two']);
        res.end(JSON.stringify({ client_id: `${origin}/client.json` }));
        return;
      case '/exactly-at-limit':
        res.end('x'.repeat(SIZE_LIMIT));
        return;
      case '/declared-too-large':
        res.setHeader('content-length', String(SIZE_LIMIT + 1));
        res.end('x'.repeat(SIZE_LIMIT + 1));
        return;
      case '/streamed-too-large': // chunked, no content-length: only counting catches it
        res.write('x'.repeat(SIZE_LIMIT));
        res.end('x');
        return;
      case '/redirect-to-metadata-service':
        res.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' }).end();
        return;
      case '/redirect-to-client':
        res.writeHead(302, { location: '/client.json' }).end();
        return;
      case '/never-answers':
        return;
      case '/stalls-mid-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"client_id":');
        return;
      default:
        res.writeHead(404).end();
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `https://localhost:${port}`;
  return {
    origin,
    port,
    cert: certificate.cert,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
