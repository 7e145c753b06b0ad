import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { createErrorResponder } from '../../src/http/error-response.ts';
import { createRequestGuards } from '../../src/http/request-guards.ts';
import { createRouter, type Route } from '../../src/http/router.ts';
import { sendJson } from '../../src/http/send-response.ts';

const PORT_IN_RESOURCE = 8001;
const RESOURCE = `http://localhost:${PORT_IN_RESOURCE}/mcp`;
const FOREIGN_ORIGIN = 'https://rebinding.example';

/** Each route answers its own name, so a test sees which one ran. */
function answering(name: string): Route['handle'] {
  return (_req, res) => sendJson(res, 200, { route: name });
}

const ROUTES: Route[] = [
  {
    name: 'doc',
    paths: ['/.well-known/doc'],
    methods: ['GET', 'HEAD'],
    cors: 'any-origin',
    handle: answering('doc'),
  },
  { name: 'health', paths: ['/healthz'], methods: 'any', cors: 'none', handle: answering('health') },
  {
    name: 'mcp',
    paths: ['/mcp'],
    methods: ['GET', 'POST', 'DELETE'],
    cors: 'allowed-origins',
    handle: answering('mcp'),
  },
];

describe('the route table (http/router.ts)', () => {
  let server: Server;
  let port: number;
  before(async () => {
    const route = createRouter(
      ROUTES,
      createRequestGuards({
        resourceUrl: RESOURCE,
        port: PORT_IN_RESOURCE,
        allowedHosts: [],
        allowedOrigins: [],
      }),
    );
    const answerError = createErrorResponder({ logger: silentLogger, resourceMetadataUrl: 'http://x/meta' });
    server = createServer((req, res) => void route(req, res).catch((error) => answerError(req, res, error)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  /** A request as a client of the resource URL sends it: Host names the resource's port. */
  function send(method: string, path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown }>((resolve, reject) => {
      const outgoing = request({
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { host: `localhost:${PORT_IN_RESOURCE}`, ...headers },
      });
      outgoing.once('error', reject);
      outgoing.once('response', (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.once('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      });
      outgoing.end();
    });
  }

  it('each path reaches its own route', async () => {
    assert.deepEqual((await send('GET', '/.well-known/doc')).body, { route: 'doc' });
    assert.deepEqual((await send('GET', '/healthz')).body, { route: 'health' });
    assert.deepEqual((await send('POST', '/mcp')).body, { route: 'mcp' });
  });

  it('an unknown Host is refused with 403 before any route, a public one included (DNS rebinding)', async () => {
    for (const path of ['/.well-known/doc', '/healthz', '/mcp', '/nowhere']) {
      const answer = await send('GET', path, { host: 'rebinding.example' });
      assert.equal(answer.status, 403, path);
      assert.deepEqual(answer.body, { error: 'forbidden', error_description: 'unknown Host header' });
    }
  });

  it('a method the route lacks is 405 naming the methods it has in Allow (RFC 9110 §15.5.6)', async () => {
    const answer = await send('PUT', '/mcp');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.allow, 'GET, POST, DELETE');
    assert.deepEqual(answer.body, { error: 'method_not_allowed' });
  });

  it('a path no route has is 404', async () => {
    const answer = await send('GET', '/nowhere');
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.body, { error: 'not_found' });
  });

  it('a foreign browser Origin is refused on the MCP routes and on unknown paths alike', async () => {
    for (const path of ['/mcp', '/nowhere']) {
      const answer = await send('POST', path, { origin: FOREIGN_ORIGIN });
      assert.equal(answer.status, 403, path);
      assert.deepEqual(answer.body, { error: 'forbidden', error_description: 'origin not allowed' });
    }
  });

  it('a public route is readable from any origin, and its preflight comes before the method check', async () => {
    const read = await send('GET', '/.well-known/doc', { origin: FOREIGN_ORIGIN });
    assert.equal(read.status, 200);
    assert.equal(read.headers['access-control-allow-origin'], '*');
    const preflight = await send('OPTIONS', '/.well-known/doc', { origin: FOREIGN_ORIGIN });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
  });

  it('an allowed origin gets its preflight on an MCP route, echoed back, before the method check', async () => {
    const origin = `http://localhost:${PORT_IN_RESOURCE}`;
    const preflight = await send('OPTIONS', '/mcp', {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers':
        'authorization,content-type,mcp-session-id,mcp-protocol-version,last-event-id,dpop',
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    const allowed = String(preflight.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    for (const header of [
      'authorization',
      'content-type',
      'mcp-session-id',
      'mcp-protocol-version',
      'last-event-id',
      'dpop',
    ]) {
      assert.ok(allowed.includes(header), `${header} in ${allowed.join(', ')}`);
    }
    const exposed = String(preflight.headers['access-control-expose-headers']).toLowerCase();
    assert.match(exposed, /www-authenticate/);
    assert.match(exposed, /mcp-session-id/);
  });

  it('a path no route has answers its preflight with 404, never with CORS', async () => {
    const preflight = await send('OPTIONS', '/nowhere', {
      origin: `http://localhost:${PORT_IN_RESOURCE}`,
      'access-control-request-method': 'POST',
    });
    assert.equal(preflight.status, 404);
  });

  it('a route without CORS takes every method and never looks at the Origin', async () => {
    const answer = await send('DELETE', '/healthz', { origin: FOREIGN_ORIGIN });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
  });
});
