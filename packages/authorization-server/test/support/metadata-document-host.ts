import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from './self-signed-certificate.ts';

/**
 * A local HTTPS server playing a client's web site for Client ID Metadata Documents: `publish`
 * puts a document at a path and returns its URL, the `client_id` the AS will fetch. The AS must
 * trust `cert` (`clientMetadataCa`) and allow loopback fetches (the development flag).
 */
export interface MetadataDocumentHost {
  readonly cert: string;
  /** The path of every request it received, in order: what the AS fetched. */
  readonly requests: readonly string[];
  /** Publishes a public native client's document with `overrides` applied; returns its URL. */
  publish(path: string, overrides?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startMetadataDocumentHost(): Promise<MetadataDocumentHost> {
  const certificate = createSelfSignedCertificate();
  const documents = new Map<string, unknown>();
  const requests: string[] = [];
  const server = createServer(certificate, (req, res) => {
    requests.push(req.url ?? '');
    const document = documents.get(req.url ?? '');
    if (!document) {
      res.writeHead(404).end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    // The AS caches for at least a minute: every test publishes at a path of its own.
    res.setHeader('cache-control', 'max-age=60');
    res.end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://localhost:${(server.address() as AddressInfo).port}`;
  return {
    cert: certificate.cert,
    requests,
    publish(path, overrides = {}) {
      const clientId = `${base}${path}`;
      documents.set(path, {
        client_id: clientId,
        client_name: 'CIMD Test App',
        redirect_uris: ['http://127.0.0.1:3030/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        ...overrides,
      });
      return clientId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
