import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { redirectOf, requestAuthorization } from '../support/authorization-request.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

const ISSUER = 'https://auth.example.com';

/**
 * An https issuer reached over plain http (a TLS-terminating proxy that does not say so, or
 * `--trust-proxy` left off): its `Secure` sign-in cookies cannot be set, so the sign-in must be
 * refused with what to change, never a 500. Program endpoints keep working.
 */
describe('an https issuer reached over plain http', () => {
  let direct: TestAuthorizationServer;
  let proxied: TestAuthorizationServer;
  let clientId: string;
  let proxiedClientId: string;
  before(async () => {
    direct = await startTestServer({ issuer: ISSUER });
    proxied = await startTestServer({ issuer: ISSUER, trustProxy: true });
    clientId = (await registerPublicClient(direct.url)).client_id;
    proxiedClientId = (await registerPublicClient(proxied.url)).client_id;
  });
  after(async () => {
    await direct.dispose();
    await proxied.dispose();
  });

  it('without --trust-proxy: the sign-in is 400 saying to set X-Forwarded-Proto and --trust-proxy', async () => {
    const response = await requestAuthorization(direct.url, clientId);
    assert.equal(response.status, 400);
    assert.equal(redirectOf(response), undefined);
    const page = await response.text();
    assert.match(page, /over plain http/);
    assert.match(page, /X-Forwarded-Proto: https/);
    assert.match(page, /--trust-proxy/);
  });

  it('every spelling of the authorization endpoint is refused alike', async () => {
    for (const path of ['/AUTH', '/auth/', '/auth/some-interaction']) {
      const response = await fetch(`${direct.url}${path}?client_id=${clientId}`, { redirect: 'manual' });
      assert.equal(response.status, 400, path);
      assert.match(await response.text(), /X-Forwarded-Proto/, path);
    }
  });

  it('with --trust-proxy but no X-Forwarded-Proto: 400 asking the proxy to set it', async () => {
    const response = await requestAuthorization(proxied.url, proxiedClientId);
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /have the reverse proxy in front of it set X-Forwarded-Proto: https/);
  });

  it('with --trust-proxy and X-Forwarded-Proto: https, the sign-in proceeds', async () => {
    const response = await requestAuthorization(
      proxied.url,
      proxiedClientId,
      {},
      { 'x-forwarded-proto': 'https' },
    );
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /\/interaction\//);
  });

  it('program endpoints set no cookie and still answer over plain http', async () => {
    const response = await fetch(`${direct.url}/.well-known/oauth-authorization-server`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { issuer: string }).issuer, ISSUER);
  });
});
