import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findChromium, launchChromium } from '@mcp-auth/test-support/chromium';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import type { Browser } from 'playwright-core';
import { type Stack, startStack, USER } from '../support/stack.ts';

/**
 * A browser-based MCP client, as the MCP Inspector is: a page on its own origin that does the
 * whole MCP authorization with `fetch` (CORS, Fetch standard) and one top-level navigation to
 * the sign-in. The 401 and its challenge, RFC 9728 and RFC 8414 metadata, RFC 7591 registration,
 * the code exchange and the MCP calls all cross origins; only the sign-in and consent pages are
 * the AS's own.
 */
describeNeeding(await findChromium(), 'a browser-based MCP client on another origin, in Chromium', {}, () => {
  let stack: Stack;
  let browser: Browser;
  let pageServer: Server;
  let pageOrigin: string;

  before(async () => {
    stack = await startStack();
    browser = await launchChromium();
    // The web client's own origin: 127.0.0.1, where the AS and RS are `localhost` (other origins).
    pageServer = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      const title = req.url?.startsWith('/oauth/callback') ? 'Callback' : 'Web MCP client';
      res.end(`<!doctype html><title>${title}</title><p>${title}</p>`);
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    await browser?.close();
    pageServer?.close();
    await stack?.close();
  });

  it('CORS: discovery, registration, sign-in, code exchange and MCP calls from a page on another origin', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${pageOrigin}/`);
      const redirectUri = `${pageOrigin}/oauth/callback`;

      // 1. The 401's challenge, the protected resource metadata, the AS metadata, registration.
      const discovered = await page.evaluate(
        async ({ resourceUrl, redirectUri }) => {
          const challenge = await fetch(resourceUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              'mcp-protocol-version': '2025-06-18',
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
          });
          const wwwAuthenticate = challenge.headers.get('www-authenticate') ?? '';
          const metadataUrl = /resource_metadata="([^"]+)"/.exec(wwwAuthenticate)?.[1] ?? '';
          const resource = (await (
            await fetch(metadataUrl, { headers: { 'mcp-protocol-version': '2025-06-18' } })
          ).json()) as { resource: string; authorization_servers: string[] };
          const issuer = resource.authorization_servers[0] ?? '';
          const as = (await (
            await fetch(`${issuer}/.well-known/oauth-authorization-server`, {
              headers: { 'mcp-protocol-version': '2025-06-18' },
            })
          ).json()) as Record<string, string>;
          const registration = await fetch(as.registration_endpoint ?? '', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              client_name: 'Web MCP client',
              redirect_uris: [redirectUri],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
              token_endpoint_auth_method: 'none',
            }),
          });
          const client = (await registration.json()) as { client_id: string };
          return {
            challengeStatus: challenge.status,
            wwwAuthenticate,
            resource: resource.resource,
            issuer: as.issuer,
            authorizationEndpoint: as.authorization_endpoint,
            tokenEndpoint: as.token_endpoint,
            registrationStatus: registration.status,
            clientId: client.client_id,
          };
        },
        { resourceUrl: stack.resourceUrl, redirectUri },
      );
      assert.equal(discovered.challengeStatus, 401);
      assert.match(discovered.wwwAuthenticate, /^Bearer /, 'WWW-Authenticate is exposed to the page');
      assert.equal(discovered.resource, stack.resourceUrl);
      assert.equal(discovered.issuer, stack.issuer);
      assert.equal(discovered.registrationStatus, 201);
      assert.ok(discovered.clientId);

      // 2. The sign-in: a top-level navigation to the authorization URL, then the AS's pages.
      const pkce = createPkcePair();
      const authorization = new URL(discovered.authorizationEndpoint ?? '');
      authorization.search = new URLSearchParams({
        client_id: discovered.clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        state: 'web-state',
        resource: discovered.resource,
      }).toString();
      await page.goto(authorization.href);
      await page.getByLabel(/username/i).fill(USER.username);
      await page.getByLabel(/password/i).fill(USER.password);
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.getByRole('button', { name: /allow/i }).click();
      await page.waitForURL((url) => url.href.startsWith(redirectUri));
      const callback = new URL(page.url());
      assert.equal(callback.searchParams.get('state'), 'web-state');
      assert.equal(callback.searchParams.get('iss'), stack.issuer);
      const code = callback.searchParams.get('code');
      assert.ok(code, `a code, not ${callback.searchParams.get('error')}`);

      // 3. The code exchange and the MCP calls, from the callback page (the client's origin).
      const used = await page.evaluate(
        async ({ tokenEndpoint, resourceUrl, clientId, code, verifier, redirectUri }) => {
          const tokenResponse = await fetch(tokenEndpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              client_id: clientId,
              code,
              code_verifier: verifier,
              redirect_uri: redirectUri,
              resource: resourceUrl,
            }),
          });
          const tokens = (await tokenResponse.json()) as { access_token: string; scope: string };
          const mcp = (body: unknown, sessionId?: string) =>
            fetch(resourceUrl, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${tokens.access_token}`,
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
                'mcp-protocol-version': '2025-06-18',
                ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
              },
              body: JSON.stringify(body),
            });
          const initialize = await mcp({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 'Web MCP client', version: '1.0.0' },
            },
          });
          const sessionId = initialize.headers.get('mcp-session-id') ?? undefined;
          await initialize.text();
          const initialized = await mcp({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
          const call = await mcp(
            {
              jsonrpc: '2.0',
              id: 2,
              method: 'tools/call',
              params: { name: 'calculator', arguments: { expression: '2+3*4' } },
            },
            sessionId,
          );
          return {
            tokenStatus: tokenResponse.status,
            scope: tokens.scope,
            initializeStatus: initialize.status,
            sessionId,
            initializedStatus: initialized.status,
            callStatus: call.status,
            callBody: await call.text(),
          };
        },
        {
          tokenEndpoint: discovered.tokenEndpoint ?? '',
          resourceUrl: stack.resourceUrl,
          clientId: discovered.clientId,
          code,
          verifier: pkce.verifier,
          redirectUri,
        },
      );
      assert.equal(used.tokenStatus, 200);
      assert.equal(used.scope, 'user', 'no scope asked: the resource default (RFC 6749 §3.3)');
      assert.equal(used.initializeStatus, 200);
      assert.ok(used.sessionId, 'Mcp-Session-Id is exposed to the page');
      assert.equal(used.initializedStatus, 202);
      assert.equal(used.callStatus, 200);
      assert.match(used.callBody, /14/);
    } finally {
      await context.close();
    }
  });
});
