import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { authorize, redeemCode } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { createSelfSignedCertificate } from '../support/self-signed-certificate.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * MCP 2026-07-28 Client Registration §Client ID Metadata Documents. A local HTTPS server plays the client's web site; the
 * AS fetches `client_id` (an https URL) and uses the document as the client's metadata.
 */
describe('Client ID Metadata Documents', () => {
  const certificate = createSelfSignedCertificate();
  let documentServer: Server;
  let documentBase: string;
  const documentRequests: string[] = [];
  const documents = new Map<string, unknown>();

  before(async () => {
    documentServer = createServer(certificate, (req, res) => {
      documentRequests.push(req.url ?? '');
      const document = documents.get(req.url ?? '');
      if (!document) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'max-age=60');
      res.end(JSON.stringify(document));
    });
    await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
    documentBase = `https://localhost:${(documentServer.address() as AddressInfo).port}`;
  });
  after(() => documentServer.close());

  function publish(path: string, overrides: Record<string, unknown> = {}): string {
    const clientId = `${documentBase}${path}`;
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
  }

  describe('with the development flag allowing loopback', () => {
    let server: TestAuthorizationServer;
    before(async () => {
      server = await startTestServer(
        { dangerouslyAllowLoopbackClientMetadata: true },
        { clientMetadataCa: certificate.cert },
      );
    });
    after(() => server.dispose());

    it('signs in a client known only by its metadata URL and issues tokens', async () => {
      const clientId = publish('/apps/cli.json');
      const outcome = await authorize(server.issuer, {
        clientId,
        scope: 'user',
        resource: DEMO_RESOURCE,
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
      const code = outcome.redirect.searchParams.get('code');
      assert.ok(code, outcome.redirect.href);
      const response = await redeemCode(server.issuer, { clientId, code, ...outcome });
      assert.equal(response.status, 200);
      assert.ok(documentRequests.includes('/apps/cli.json'));
    });

    it('refuses a document whose client_id is not exactly its URL', async () => {
      const clientId = publish('/apps/liar.json', { client_id: `${documentBase}/apps/someone-else.json` });
      const response = await startAuthorization(server.issuer, clientId);
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null, 'never redirects for an unverified client');
    });

    it('refuses a redirect URI the document does not list', async () => {
      const clientId = publish('/apps/strict.json');
      const response = await startAuthorization(server.issuer, clientId, 'http://127.0.0.1:3030/elsewhere');
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    });

    it('CIMD caching: within the document’s max-age it is not fetched again; after it, it is', async (t) => {
      // oidc-provider keeps the document for its Cache-Control lifetime (max-age=60 here, the
      // configured minimum), read from Date: a mocked Date moves past it without waiting.
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
      const clientId = publish('/apps/cached.json');
      const fetches = () => documentRequests.filter((path) => path === '/apps/cached.json').length;
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await startAuthorization(server.issuer, clientId);
        assert.equal(response.status, 303, await response.text());
      }
      assert.equal(fetches(), 1, 'fetched once for three authorizations within max-age');
      t.mock.timers.tick(61_000);
      assert.equal((await startAuthorization(server.issuer, clientId)).status, 303);
      assert.equal(fetches(), 2, 'fetched again once max-age has passed');
    });

    it('refuses a document that declares a shared secret', async () => {
      const clientId = publish('/apps/secret.json', { token_endpoint_auth_method: 'client_secret_basic' });
      const response = await startAuthorization(server.issuer, clientId);
      assert.equal(response.status, 400);
    });
  });
});

async function startAuthorization(
  issuer: string,
  clientId: string,
  redirectUri = 'http://127.0.0.1:3030/callback',
) {
  const { challenge } = createPkcePair();
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'user',
  }).toString();
  return fetch(url, { redirect: 'manual' });
}
