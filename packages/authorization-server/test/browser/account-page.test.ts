import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findChromium, launchChromium } from '@mcp-auth/test-support/chromium';
import { freePort } from '@mcp-auth/test-support/free-port';
import { introspect, redeemCode, refresh, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type RunningResourceServer, startResourceServer } from '../../../resource-server/src/index.ts';
import { silentLogger } from '../../src/index.ts';
import { devIntrospectionAuth } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'account test', version: '1' },
  },
};

interface ConnectedApp {
  readonly name: string;
  readonly clientId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * The account page in a real browser, with a running resource server: a person signs in, connects
 * two apps, opens "Manage connected apps" and disconnects one. From then on that app's tokens are
 * refused at the AS (introspection `active: false`, RFC 7662 §2.2; its refresh token
 * `invalid_grant`) and at the resource server (401, RFC 6750 §3.1), which runs here without an
 * introspection cache (`introspectionCacheSeconds: 0`), so "within the cache bound" is at once; the
 * other app keeps working.
 */
describeNeeding(await findChromium(), 'the account page in Chromium', {}, () => {
  let server: TestAuthorizationServer;
  let rs: RunningResourceServer;
  let resourceUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let callbackServer: Server;
  let callbackUri: string;

  before(async () => {
    const rsPort = await freePort();
    resourceUrl = `http://localhost:${rsPort}/mcp`;
    server = await startTestServer({
      resources: [
        {
          uri: resourceUrl,
          name: 'Weather server',
          scopes: [{ name: 'user', description: 'Use the weather tools' }],
        },
      ],
    });
    rs = await startResourceServer(
      {
        port: rsPort,
        authServer: server.issuer,
        devCredentialsFile: `${server.dataDir}/dev-introspection-client.json`,
        introspectionCacheSeconds: 0,
      },
      { logger: silentLogger },
    );
    callbackServer = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Signed in</title><p>You can close this window.</p>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    callbackServer?.close();
    await rs?.close();
    await server?.dispose();
  });

  /** One app's authorization in the browser: sign in when asked, allow, then the code redeemed. */
  async function connect(name: string): Promise<ConnectedApp> {
    const client = await registerPublicClient(server.issuer, {
      client_name: name,
      redirect_uris: ['http://127.0.0.1/callback'],
    });
    const { verifier, challenge } = createPkcePair();
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: callbackUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'user',
      resource: resourceUrl,
    }).toString();
    await page.goto(url.href);
    if (/sign in/i.test(await page.title())) {
      await page.getByLabel(/username/i).fill(TEST_USER.username);
      await page.getByLabel(/password/i).fill(TEST_USER.password);
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForLoadState();
    }
    assert.match(await page.locator('main').innerText(), new RegExp(name));
    assert.equal(
      await page.getByRole('link', { name: /manage connected apps/i }).getAttribute('href'),
      '/account',
    );
    await page.getByRole('button', { name: /allow/i }).click();
    await page.waitForURL((landed) => landed.href.startsWith(callbackUri));
    const code = new URL(page.url()).searchParams.get('code') ?? '';
    const response = await redeemCode(server.issuer, {
      clientId: client.client_id,
      code,
      verifier,
      redirectUri: callbackUri,
    });
    assert.equal(response.status, 200);
    const tokens = (await response.json()) as { access_token: string; refresh_token: string };
    return {
      name,
      clientId: client.client_id,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
    };
  }

  const statusAtResourceServer = async (app: ConnectedApp) =>
    (
      await fetch(resourceUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${app.accessToken}`,
        },
        body: JSON.stringify(INITIALIZE),
      })
    ).status;
  const activeAtAs = async (app: ConnectedApp) =>
    (
      (await (await introspect(server.issuer, app.accessToken, devIntrospectionAuth(server))).json()) as {
        active: boolean;
      }
    ).active;

  it('sign in, connect two apps, disconnect one on /account: its tokens are refused at the AS and the RS', async () => {
    const kept = await connect('Notes App');
    const disconnected = await connect('Calendar App');
    assert.equal(await statusAtResourceServer(kept), 200);
    assert.equal(await statusAtResourceServer(disconnected), 200);

    await page.goto(`${server.issuer}/account`);
    const listed = await page.locator('main').innerText();
    assert.match(listed, /Connected apps/);
    for (const app of [kept, disconnected]) {
      assert.match(listed, new RegExp(app.name));
      assert.ok(listed.includes(app.clientId), `${app.name}'s client id is shown`);
    }
    assert.match(listed, /Weather server/);
    assert.match(listed, /Registered itself/);

    await page.getByRole('button', { name: `Disconnect ${disconnected.name}` }).click();
    await page.waitForURL((landed) => landed.search === '?done=disconnected');
    const after = await page.locator('main').innerText();
    assert.match(after, /The app is disconnected/);
    assert.doesNotMatch(after, /Calendar App/);
    assert.match(after, /Notes App/);

    assert.equal(await activeAtAs(disconnected), false, 'introspection answers the token inactive');
    const refreshed = await refresh(server.issuer, disconnected.clientId, disconnected.refreshToken);
    assert.equal(refreshed.status, 400);
    assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(await statusAtResourceServer(disconnected), 401, 'the resource server refuses it');

    assert.equal(await activeAtAs(kept), true);
    assert.equal(await statusAtResourceServer(kept), 200, 'the other app keeps working');
  });
});
