import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEV_INTROSPECTION_CLIENT_ID, DEV_INTROSPECTION_FILE } from '@mcp-auth/shared';
import { basicAuth, introspect, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { requestAuthorization } from '../support/authorization-request.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer } from '../support/test-server.ts';

/**
 * Two conveniences make the demo run with no manual step, and both are credentials: the
 * development introspection credential (any local resource server may introspect) and the demo
 * account's password shown on the sign-in page. They exist on a loopback issuer only, where the
 * only parties are on this machine; an issuer others can reach has neither, even when its data
 * folder was first used by a loopback one.
 */
describe('development aids exist on loopback issuers only', () => {
  let dataDir: string;
  let leftover: { client_id: string; client_secret: string };
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-dev-aids-'));
    const loopback = await startTestServer({ dataDir });
    try {
      assert.ok(loopback.devIntrospectionCredentials, 'the control: a loopback issuer has one');
      leftover = loopback.devIntrospectionCredentials;
    } finally {
      await loopback.dispose();
    }
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('an https issuer has no development introspection credential, and the one left in its folder is refused', async () => {
    const server = await startTestServer({ dataDir, issuer: 'https://as.example', trustProxy: true });
    try {
      assert.equal(server.devIntrospectionCredentials, undefined);
      const response = await introspect(
        server.url,
        'any-token',
        basicAuth(leftover.client_id, leftover.client_secret),
      );
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    } finally {
      await server.dispose();
    }
  });

  it('a fresh https issuer writes no development credential file', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'mcp-auth-dev-aids-fresh-'));
    const server = await startTestServer({ dataDir: fresh, issuer: 'https://as.example', trustProxy: true });
    try {
      await assert.rejects(access(join(fresh, DEV_INTROSPECTION_FILE)), { code: 'ENOENT' });
      const guessed = await introspect(
        server.url,
        'any-token',
        basicAuth(DEV_INTROSPECTION_CLIENT_ID, 'guessed-secret'),
      );
      assert.equal(guessed.status, 401);
    } finally {
      await server.dispose();
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('the sign-in page of an https issuer never shows the demo account’s password', async () => {
    const server = await startTestServer({ dataDir, issuer: 'https://as.example', trustProxy: true });
    try {
      assert.ok(server.demoAccount, 'the demo account exists (the operator removes it)');
      const tls = { 'x-forwarded-proto': 'https' };
      const client = await registerPublicClient(server.url);
      const started = await requestAuthorization(
        server.url,
        client.client_id,
        { resource: DEMO_RESOURCE },
        tls,
      );
      const location = new URL(started.headers.get('location') ?? '', server.url);
      const page = await fetch(new URL(location.pathname, server.url), {
        headers: {
          ...tls,
          cookie: started.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        },
      });
      assert.equal(page.status, 200);
      const text = await page.text();
      assert.match(text, /Sign in/);
      assert.doesNotMatch(text, /Development server/);
      assert.ok(!text.includes(server.demoAccount.password), 'the password is not on the page');
    } finally {
      await server.dispose();
    }
  });
});
