import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { type RunningSameOriginServer, startSameOriginServer } from '../../src/index.ts';

interface Answer {
  readonly status: number;
  readonly location?: string | undefined;
  readonly body: string;
}

/** A GET or POST with a Host header of our choosing (fetch would set its own). */
function send(url: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers });
    outgoing.on('response', (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, location: incoming.headers.location, body: text }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * The same-origin server puts the AS and the MCP endpoint on one loopback origin, the target of
 * a DNS rebinding page (MCP Streamable HTTP "Security Warning"). Its MCP paths refuse a foreign
 * Host or Origin like the standalone MCP server; its AS paths never let a forged Host into the
 * URLs they publish or redirect to (RFC 8414 §3.3: the metadata names its own issuer).
 */
describe('DNS rebinding and Host forgery on the same-origin server', () => {
  let home: string;
  let server: RunningSameOriginServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-rebinding-'));
    server = await startSameOriginServer({ port: 0, dataDir: join(home, 'data') }, { logger: silentLogger });
  });
  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  const initialize = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });

  it('MCP Streamable HTTP security warning: a rebinding Host on the MCP paths is 403', async () => {
    for (const host of [`attacker.example:${server.port}`, `localhost.attacker.example:${server.port}`]) {
      for (const [method, path] of [
        ['POST', '/mcp'],
        ['GET', '/mcp/sse'],
        ['POST', '/mcp/messages?sessionId=x'],
      ] as const) {
        const answer = await send(
          `${server.issuer}${path}`,
          { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          method,
          method === 'POST' ? initialize : undefined,
        );
        assert.equal(answer.status, 403, `${method} ${path}, Host ${host}`);
      }
    }
  });

  it('MCP Streamable HTTP security warning: a foreign Origin on the MCP endpoint is 403', async () => {
    const answer = await send(
      server.mcpUrl,
      { origin: 'http://attacker.example', 'content-type': 'application/json', accept: 'application/json' },
      'POST',
      initialize,
    );
    assert.equal(answer.status, 403);
  });

  it('RFC 8414 §3.3: the AS metadata names only the issuer, whatever Host says', async () => {
    const answer = await send(`${server.issuer}/.well-known/oauth-authorization-server`, {
      host: `attacker.example:${server.port}`,
    });
    assert.equal(answer.status, 200);
    const metadata = JSON.parse(answer.body) as Record<string, unknown>;
    assert.equal(metadata.issuer, server.issuer);
    for (const [name, value] of Object.entries(metadata)) {
      if (typeof value === 'string' && /^https?:\/\//.test(value)) {
        assert.ok(value.startsWith(`${server.issuer}/`) || value === server.issuer, `${name}: ${value}`);
      }
    }
  });

  it('the 2025-03-26 /authorize default endpoint redirects to the issuer’s pages, whatever Host says', async () => {
    const registered = await fetch(`${server.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:9999/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const query = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9999/cb',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    });
    const answer = await send(`${server.issuer}/authorize?${query}`, {
      host: `attacker.example:${server.port}`,
    });
    assert.equal(answer.status, 303);
    const target = new URL(answer.location ?? '', server.issuer);
    assert.equal(target.origin, server.issuer);
    assert.match(target.pathname, /^\/interaction\//);
  });
});
