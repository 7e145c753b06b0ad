import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@mcp-auth/shared';
import { skipUnlessFound } from '@mcp-auth/test-support/availability';
import { findChromium } from '@mcp-auth/test-support/chromium';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { CHROMIUM_BROWSER, runClient } from '../../client/test/support/client-process.ts';
import { type RunningSameOriginServer, startSameOriginServer } from '../src/index.ts';

/**
 * MCP 2025-03-26: the MCP server is its own authorization server. The combined server must look
 * like that to old clients (AS metadata and default endpoints at the MCP origin) and still work
 * with today's clients (our client goes through RFC 9728 metadata on the same origin).
 */
const needsChromium = skipUnlessFound(await findChromium());

describe('mcp-auth-legacy: AS and MCP server on one origin', () => {
  let server: RunningSameOriginServer;
  let home: string;
  const log: string[] = [];
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-'));
    server = await startSameOriginServer(
      { port: 0, dataDir: join(home, 'data') },
      { logger: createLogger({ write: (line) => log.push(line) }) },
    );
  });
  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  it('checks tokens in process, so it makes no development introspection credential and warns of none', async () => {
    assert.doesNotMatch(log.join(''), /introspection/i);
    await assert.rejects(access(join(home, 'data', 'dev-introspection-client.json')), { code: 'ENOENT' });
  });

  it('2025-03-26: AS metadata at the MCP server origin, issuer identical to it', async () => {
    const origin = new URL(server.mcpUrl).origin;
    const response = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as { issuer: string; authorization_endpoint: string };
    assert.equal(metadata.issuer, origin);
    assert.deepEqual(
      (metadata as unknown as { code_challenge_methods_supported: string[] })
        .code_challenge_methods_supported,
      ['S256'],
    );
  });

  it('2025-03-26 default endpoints: /authorize and /register work without metadata', async () => {
    const origin = new URL(server.mcpUrl).origin;
    const registered = await fetch(`${origin}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:9999/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    assert.equal(registered.status, 201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const authorize = await fetch(
      `${origin}/authorize?${new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:9999/cb',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      })}`,
      { redirect: 'manual' },
    );
    assert.equal(authorize.status, 303);
    assert.match(authorize.headers.get('location') ?? '', /\/interaction\//);
  });

  it('RFC 6749 §3.3: a client asking no scope gets the default scope, shown on consent, and its token calls tools', async () => {
    const origin = new URL(server.mcpUrl).origin;
    const account = server.demoAccount;
    assert.ok(account, 'the legacy server has its demo account');
    const client = await registerPublicClient(origin);
    let consentPage = '';
    const outcome = await authorize(origin, {
      clientId: client.client_id,
      username: account.username,
      password: account.password,
      onPage: (kind, page) => {
        if (kind === 'consent') consentPage = page;
      },
    });
    assert.match(consentPage, /Use the demo tools as you/);
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `a code, not ${outcome.redirect.searchParams.get('error')}`);
    const tokens = (await (
      await redeemCode(origin, { clientId: client.client_id, code, ...outcome })
    ).json()) as { access_token: string; scope: string };
    assert.equal(tokens.scope, 'user');
    const call = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-03-26',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    assert.equal(call.status, 200, await call.clone().text());
  });

  it('CORS: a page on another origin gets its preflights answered at every endpoint it calls, the 2025-03-26 defaults included', async () => {
    const origin = new URL(server.mcpUrl).origin;
    // Another loopback origin, as a local browser tool (the MCP Inspector) has.
    const pageOrigin = 'http://127.0.0.1:6274';
    const cases: Array<[string, string, string]> = [
      ['/.well-known/oauth-authorization-server', 'GET', 'mcp-protocol-version'],
      ['/.well-known/openid-configuration', 'GET', 'mcp-protocol-version'],
      ['/.well-known/oauth-protected-resource/mcp', 'GET', 'mcp-protocol-version'],
      ['/register', 'POST', 'content-type'],
      ['/reg', 'POST', 'content-type'],
      ['/token', 'POST', 'content-type'],
      ['/token/revocation', 'POST', 'content-type'],
      ['/jwks', 'GET', ''],
      ['/mcp', 'POST', 'authorization,content-type,mcp-session-id,mcp-protocol-version,last-event-id,dpop'],
    ];
    for (const [path, method, headers] of cases) {
      const response = await fetch(`${origin}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: pageOrigin,
          'access-control-request-method': method,
          ...(headers ? { 'access-control-request-headers': headers } : {}),
        },
      });
      assert.equal(response.status, 204, path);
      assert.ok(response.headers.get('access-control-allow-origin'), path);
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of headers.split(',').filter(Boolean))
        assert.ok(allowed.includes(header), `${path}: ${header}`);
    }
    const mcp = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: { origin: pageOrigin, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    assert.equal(mcp.status, 401);
    assert.match(mcp.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    for (const path of ['/authorize', '/auth', '/interaction/some-id']) {
      const response = await fetch(`${origin}${path}`, {
        method: 'OPTIONS',
        headers: { origin: pageOrigin, 'access-control-request-method': 'GET' },
      });
      assert.equal(response.headers.get('access-control-allow-origin'), null, `${path}: a page, never CORS`);
    }
  });

  it('the MCP endpoint is protected, with RFC 9728 metadata on the same origin', async () => {
    const response = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    assert.equal(response.status, 401);
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /resource_metadata=".*\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
  });

  it('our client signs in (real Chromium) and calls a tool', needsChromium, async () => {
    assert.ok(server.demoAccount);
    const log = join(home, 'browser.log');
    await writeFile(log, '');
    const result = await runClient(
      ['call', 'calculator', '{"expression":"2^10"}', `--url=${server.mcpUrl}`, '--callback-port=0'],
      {
        XDG_STATE_HOME: join(home, 'state'),
        BROWSER: CHROMIUM_BROWSER,
        TEST_BROWSER_USERNAME: server.demoAccount.username,
        TEST_BROWSER_PASSWORD: server.demoAccount.password,
        TEST_BROWSER_LOG: log,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b1024\b/);
  });
});
