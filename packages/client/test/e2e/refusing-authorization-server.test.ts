import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ClientRun, FETCH_BROWSER, runClient } from '../support/client-process.ts';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly protocolVersion: string | undefined;
}

/**
 * One loopback server playing an MCP server and its AS, which refuses every registration the way
 * an OIDC AS refuses redirect URIs it does not allow for the application type. It records each
 * request, and the MCP-Protocol-Version header it carried.
 */
async function startRefusingServer(): Promise<{ origin: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let origin = '';
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    body,
    headers,
  });
  const answer = (request: IncomingMessage) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === '/mcp')
      return json(
        401,
        { error: 'unauthorized' },
        {
          'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
        },
      );
    if (path === '/.well-known/oauth-protected-resource/mcp')
      return json(200, {
        resource: `${origin}/mcp`,
        authorization_servers: [origin],
        scopes_supported: ['user'],
      });
    if (path === '/.well-known/oauth-authorization-server')
      return json(200, {
        issuer: origin,
        authorization_endpoint: `${origin}/auth`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    if (path === '/register')
      return json(400, {
        error: 'invalid_redirect_uri',
        error_description: 'redirect_uris must use https for web applications',
      });
    return json(404, { error: 'not_found' });
  };
  const server: Server = createServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      path: new URL(request.url ?? '/', 'http://x').pathname,
      protocolVersion: request.headers['mcp-protocol-version'] as string | undefined,
    });
    request.resume();
    request.on('end', () => {
      const { status, body, headers } = answer(request);
      response
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('an authorization server that refuses the registration', () => {
  let home: string;
  let server: Awaited<ReturnType<typeof startRefusingServer>>;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-refused-'));
    server = await startRefusingServer();
  });
  after(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  /** One run of `mcp-auth-client list` against the server, shared by the tests that read it. */
  let run: Promise<ClientRun> | undefined;
  const runList = () => {
    run ??= runClient(['--url', `${server.origin}/mcp`, '--callback-port=0', 'list'], {
      XDG_STATE_HOME: home,
      BROWSER: FETCH_BROWSER,
    });
    return run;
  };

  it('MCP Dynamic Client Registration: a refused registration is one line with the AS’s description, exit 3', async () => {
    const result = await runList();
    assert.equal(result.code, 3, result.stderr);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('mcp-auth-client:'));
    assert.equal(lines.length, 1, result.stderr);
    const line = lines[0] ?? '';
    assert.match(
      line,
      new RegExp(`the authorization server ${server.origin} refused to register this client`),
    );
    assert.match(line, /HTTP 400 invalid_redirect_uri: redirect_uris must use https for web applications/);
    assert.match(line, /pass the id of a client registered there with --client-id$/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack without --verbose');
    assert.ok(
      server.seen.some((request) => request.method === 'POST' && request.path === '/register'),
      'the client did try to register',
    );
  });

  it('MCP Protocol Version Header: the client’s POSTs to the MCP endpoint and its metadata requests carry MCP-Protocol-Version', async () => {
    await runList();
    const posts = server.seen.filter((request) => request.method === 'POST' && request.path === '/mcp');
    const discovery = server.seen.filter((request) => request.path.startsWith('/.well-known/'));
    assert.ok(posts.length > 0 && discovery.length > 0, JSON.stringify(server.seen));
    for (const request of [...posts, ...discovery]) {
      assert.match(request.protocolVersion ?? '', /^\d{4}-\d{2}-\d{2}$/, `${request.method} ${request.path}`);
    }
  });
});
