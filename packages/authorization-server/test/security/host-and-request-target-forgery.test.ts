import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sendRawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Host forgery through the request-target: RFC 9112 §3.2.2 makes servers accept absolute-form
 * (`GET http://evil.example/path`), whose authority replaces the Host header. oidc-provider builds
 * every URL of its metadata and redirects from the host it sees; the AS pins that host to the
 * issuer, and that must hold for a host named in the target too.
 */
describe('forged hosts in the request-target', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const get = (target: string, headers: [string, string][] = []) =>
    sendRawRequest(
      {
        method: 'GET',
        target,
        headers: [['Host', `127.0.0.1:${server.port}`], ...headers],
        body: new Uint8Array(),
        framing: 'none',
      },
      { port: server.port, timeoutMs: 10_000 },
    );

  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    it(`absolute-form GET http://evil.example${path} still names only the issuer`, async () => {
      const answer = await get(`http://evil.example${path}`);
      assert.equal(answer.kind, 'response');
      if (answer.kind !== 'response') return;
      assert.equal(answer.status, 200);
      const metadata = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      assert.equal(metadata.issuer, server.issuer);
      for (const [name, value] of Object.entries(metadata)) {
        if (typeof value === 'string' && /^https?:\/\//.test(value)) {
          assert.ok(
            value === server.issuer || value.startsWith(`${server.issuer}/`),
            `${name} points at ${value}`,
          );
        }
      }
    });
  }

  it('a request-target that is no path is 400, and the server keeps answering', async () => {
    for (const target of ['*', 'reg', 'ftp://evil.example/reg']) {
      const answer = await get(target);
      assert.equal(answer.kind === 'response' ? answer.status : answer.kind, 400, target);
    }
    const health = await get('/healthz');
    assert.equal(health.kind === 'response' ? health.status : health.kind, 200);
  });
});
