import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findChromium, launchChromium } from '@mcp-auth/test-support/chromium';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import type { Browser } from 'playwright-core';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * The sign-in and consent pages in a real browser (the system's Chromium, else the one an npm
 * package ships; never a downloaded one): a person signs in, reads the consent page and approves
 * or denies; the browser lands on the client's loopback redirect URI.
 */
describeNeeding(await findChromium(), 'sign-in and consent in Chromium', {}, () => {
  let server: TestAuthorizationServer;
  let browser: Browser;
  let callbackServer: Server;
  let callbackUri: string;

  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    // Stands in for the MCP client's loopback callback listener.
    callbackServer = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Signed in</title><p>You can close this window.</p>');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    callbackUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  });

  after(async () => {
    await browser?.close();
    callbackServer?.close();
    await server?.dispose();
  });

  async function startFlow(clientName: string) {
    const client = await registerPublicClient(server.issuer, {
      client_name: clientName,
      redirect_uris: ['http://127.0.0.1/callback'],
    });
    const { challenge } = createPkcePair();
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: callbackUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'user',
      state: 'browser-state',
      resource: 'http://localhost:8001/mcp',
    }).toString();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url.href);
    return { page, context };
  }

  async function signIn(page: import('playwright-core').Page) {
    await page.getByLabel(/username/i).fill(TEST_USER.username);
    await page.getByLabel(/password/i).fill(TEST_USER.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForLoadState();
  }

  it('MCP Security Considerations §Localhost Redirect URI Risks: sign in, read the consent page, approve, land on the redirect with a code', async () => {
    const { page, context } = await startFlow('Browser Test App');
    try {
      assert.match(await page.title(), /sign in/i);
      await signIn(page);
      const text = await page.locator('main').innerText();
      assert.match(text, /Browser Test App/, 'client name shown');
      assert.match(text, /127\.0\.0\.1/, 'redirect host shown');
      assert.match(text, /MCP demo server/, 'resource name shown');
      assert.match(text, /http:\/\/localhost:8001\/mcp/, 'resource URL shown');
      assert.match(text, /get_weather/, 'what the scope unlocks is shown');
      assert.match(text, /this computer|loopback|localhost/i, 'loopback warning shown');
      await page.getByRole('button', { name: /allow/i }).click();
      await page.waitForURL((url) => url.href.startsWith(callbackUri));
      const landed = new URL(page.url());
      assert.ok(landed.searchParams.get('code'));
      assert.equal(landed.searchParams.get('state'), 'browser-state');
      assert.equal(landed.searchParams.get('iss'), server.issuer);
    } finally {
      await context.close();
    }
  });

  it('deny gives access_denied at the redirect URI', async () => {
    const { page, context } = await startFlow('Denied App');
    try {
      await signIn(page);
      await page.getByRole('button', { name: /deny/i }).click();
      await page.waitForURL((url) => url.href.startsWith(callbackUri));
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('error'), 'access_denied');
      assert.equal(landed.searchParams.get('code'), null);
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows an error on the sign-in page', async () => {
    const { page, context } = await startFlow('Wrong Password App');
    try {
      await page.getByLabel(/username/i).fill(TEST_USER.username);
      await page.getByLabel(/password/i).fill('not the password');
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForLoadState();
      assert.match(await page.getByRole('alert').innerText(), /not right/i);
    } finally {
      await context.close();
    }
  });

  it('the pages cannot be framed', async () => {
    const { page, context } = await startFlow('Frame App');
    try {
      const response = await page.reload();
      const headers = response?.headers() ?? {};
      assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
      assert.equal(headers['x-frame-options'], 'DENY');
    } finally {
      await context.close();
    }
  });
});
