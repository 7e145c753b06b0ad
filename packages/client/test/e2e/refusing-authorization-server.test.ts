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

interface Shortcomings {
  /** Refuse every registration, as an OIDC AS refuses redirect URIs it does not allow. */
  readonly refuseRegistration?: boolean;
  /** Leave `code_challenge_methods_supported` out of the metadata. */
  readonly noPkce?: boolean;
  /** The `authorization_endpoint` to advertise instead of this server's own. */
  readonly authorizationEndpoint?: string;
}

/**
 * One loopback server playing an MCP server and its AS, falling short as `shortcomings` say. It
 * records each request, and the MCP-Protocol-Version header it carried.
 */
async function startRefusingServer(
  shortcomings: Shortcomings = { refuseRegistration: true },
): Promise<{ origin: string; seen: Seen[]; close(): Promise<void> }> {
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
        authorization_endpoint: shortcomings.authorizationEndpoint ?? `${origin}/auth`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        response_types_supported: ['code'],
        ...(shortcomings.noPkce ? {} : { code_challenge_methods_supported: ['S256'] }),
      });
    if (path === '/register' && !shortcomings.refuseRegistration)
      return json(201, {
        client_id: 'registered-app',
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'none',
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

/** MCP Security Considerations: what the client checks before sending a person to an AS. */
describe('an authorization server the client will not send a person to', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-unsafe-as-'));
  });
  after(() => rm(home, { recursive: true, force: true }));

  async function signInAt(shortcomings: Shortcomings) {
    const server = await startRefusingServer(shortcomings);
    try {
      const result = await runClient(['--url', `${server.origin}/mcp`, '--callback-port=0', 'list'], {
        XDG_STATE_HOME: join(home, String(server.seen.length + Math.random())),
        BROWSER: FETCH_BROWSER,
      });
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('mcp-auth-client:'));
      assert.equal(lines.length, 1, result.stderr);
      assert.equal(result.code, 3, result.stderr);
      assert.ok(
        !server.seen.some((request) => request.path === '/auth' || request.path === '/token'),
        'the browser was never sent to the AS, and no token was asked for',
      );
      return { line: lines[0] ?? '', origin: server.origin };
    } finally {
      await server.close();
    }
  }

  it('MCP Authorization Code Protection: an AS whose metadata does not advertise PKCE is refused before the browser opens', async () => {
    const { line, origin } = await signInAt({ noPkce: true });
    assert.match(line, new RegExp(`the authorization server ${origin} does not advertise PKCE with S256`));
    assert.match(line, /code_challenge_methods_supported is missing/);
  });

  it('OAuth 2.1 §1.5: a plain-http sign-in page off loopback is refused before the browser opens', async () => {
    const { line } = await signInAt({ authorizationEndpoint: 'http://as.example/auth' });
    assert.match(line, /sends sign-ins to http:\/\/as\.example, which is not https/);
  });
});
