import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@mcp-auth/shared';
import { skipUnlessFound } from '@mcp-auth/test-support/availability';
import { findChromium } from '@mcp-auth/test-support/chromium';
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
