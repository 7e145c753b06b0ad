import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { request } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { freePort } from '@mcp-auth/test-support/free-port';
import { findNginx } from '@mcp-auth/test-support/nginx';
import { createSelfSignedCertificate } from '../support/self-signed-certificate.ts';
import { runCleanup } from './deployment.ts';
import { httpBasics, mainContext, type RunningNginx, runNginx } from './nginx.ts';

/**
 * deploy/nginx/mcp-auth.conf, run as it is written: only its addresses, ports and certificate
 * paths are replaced (each replacement must find its text, so the file and this test cannot
 * drift apart). Stub upstreams say which instance answered and what headers reached it.
 */

const EXAMPLE = fileURLToPath(new URL('../../../../deploy/nginx/mcp-auth.conf', import.meta.url));
const PUBLIC_NAME = 'mcp.example.com';
const AFFINITY = '# hash $binary_remote_addr consistent;';

interface Seen {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** An instance stand-in. POST /mcp answers with two SSE events, the second once `release()`d. */
async function startStub(name: string) {
  let release = () => {};
  const server = createServer((req, res) => {
    req.resume();
    const seen: Seen = { name, method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    if (req.method === 'POST' && req.url === '/mcp' && req.headers['x-test-stream'] === '1') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`data: ${JSON.stringify(seen)}\n\n`);
      release = () => res.end('data: "second"\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    server,
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    release: () => release(),
  };
}

/** The certificate nginx serves for the public name, as files (nginx reads paths). */
async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const pem = createSelfSignedCertificate(PUBLIC_NAME);
  const files = { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') };
  await writeFile(files.key, pem.key, { mode: 0o600 });
  await writeFile(files.cert, pem.cert);
  return files;
}

/** Replaces `from` by `to`, insisting that `from` is there exactly `times` times. */
function replaceExactly(text: string, from: string, to: string, times = 1): string {
  const found = text.split(from).length - 1;
  assert.equal(found, times, `deploy/nginx/mcp-auth.conf should contain "${from}" ${times} time(s)`);
  return text.replaceAll(from, to);
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describeNeeding(findNginx(), 'deploy/nginx/mcp-auth.conf', { timeout: 60_000 }, () => {
  const cleanup: Array<() => Promise<void>> = [];
  let dir: string;
  let ca: string;
  let httpsPort: number;
  let httpPort: number;
  let nginx: RunningNginx | undefined;
  const stubs: Record<'as1' | 'as2' | 'rs1' | 'rs2', Awaited<ReturnType<typeof startStub>>> = {} as never;

  const start = async (generation: string, edit: (example: string) => string = (text) => text) => {
    await nginx?.stop();
    let example = await readFile(EXAMPLE, 'utf8');
    const certificate = await selfSignedCertificate(dir);
    for (const [from, stub] of [
      ['10.0.0.11:9000', stubs.as1],
      ['10.0.0.12:9000', stubs.as2],
      ['10.0.0.21:8001', stubs.rs1],
      ['10.0.0.22:8001', stubs.rs2],
    ] as const) {
      example = replaceExactly(example, `server ${from} `, `server ${stub.address} `);
    }
    // Every IPv4 listener moves to a loopback port; the IPv6 ones are commented out.
    for (const [port, local] of [
      ['80', httpPort],
      ['443', httpsPort],
    ] as const) {
      const v4 = new RegExp(`^(\\s*)listen ${port}\\b`, 'gm');
      const v6 = new RegExp(`^(\\s*)(listen \\[::\\]:${port}\\b)`, 'gm');
      assert.equal(example.match(v4)?.length, 2, `two IPv4 listeners on ${port}`);
      assert.equal(example.match(v6)?.length, 2, `two IPv6 listeners on ${port}`);
      example = example.replace(v4, `$1listen 127.0.0.1:${local}`).replace(v6, '$1# $2');
    }
    example = replaceExactly(example, `/etc/ssl/${PUBLIC_NAME}/fullchain.pem`, certificate.cert);
    example = replaceExactly(example, `/etc/ssl/${PUBLIC_NAME}/privkey.pem`, certificate.key);
    const prefix = join(dir, `nginx-${generation}`);
    nginx = await runNginx({
      prefix,
      port: httpsPort,
      config: `${mainContext()}\nhttp {\n${httpBasics(prefix)}\n  include mcp-auth.conf;\n}\n`,
      files: { 'mcp-auth.conf': edit(example) },
    });
    ca = await readFile(certificate.cert, 'utf8');
  };

  /** One HTTPS request to the public name, through nginx. */
  const send = (
    path: string,
    options: { method?: string; headers?: Record<string, string>; servername?: string } = {},
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path,
          method: options.method ?? 'GET',
          servername: options.servername ?? PUBLIC_NAME,
          ca,
          agent: false,
          headers: { host: PUBLIC_NAME, ...options.headers },
          timeout: 5000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(options.method === 'POST' ? '{}' : undefined);
    });
  const seenBy = async (path: string, options: Parameters<typeof send>[1] = {}) => {
    const answer = await send(path, options);
    assert.equal(answer.status, 200, `${path}: ${answer.status} ${answer.body.slice(0, 200)}`);
    return JSON.parse(answer.body) as Seen;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-nginx-example-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    for (const name of ['as1', 'as2', 'rs1', 'rs2'] as const) {
      stubs[name] = await startStub(name);
      const server: Server = stubs[name].server;
      cleanup.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
    }
    httpsPort = await freePort();
    do httpPort = await freePort();
    while (httpPort === httpsPort);
    cleanup.push(async () => nginx?.stop());
    await start('round-robin');
  });
  after(async () => {
    assert.deepEqual(await runCleanup(cleanup), []);
  });

  it('sends MCP and RFC 9728 paths to the RS instances, everything else to the AS instances', {
    timeout: 15_000,
  }, async () => {
    const as = ['as1', 'as2'];
    const rs = ['rs1', 'rs2'];
    for (const [path, method, group] of [
      ['/.well-known/oauth-authorization-server', 'GET', as],
      ['/.well-known/openid-configuration', 'GET', as],
      ['/auth?client_id=x', 'GET', as],
      ['/interaction/abc/login', 'POST', as],
      ['/token', 'POST', as],
      ['/reg', 'POST', as],
      ['/jwks', 'GET', as],
      ['/mcpx', 'GET', as],
      ['/mcp', 'POST', rs],
      ['/mcp/sse', 'GET', rs],
      ['/mcp/messages?sessionId=1', 'POST', rs],
      ['/.well-known/oauth-protected-resource/mcp', 'GET', rs],
      ['/.well-known/oauth-protected-resource', 'GET', rs],
    ] as const) {
      const seen = await seenBy(path, { method });
      assert.ok(group.includes(seen.name), `${method} ${path} reached ${seen.name}`);
      assert.equal(seen.url, path, 'the path reaches the instance unchanged');
    }
  });

  it('alternates between instances, and tells them the public name, scheme and client address', {
    timeout: 15_000,
  }, async () => {
    const names = async (path: string, method: string) => {
      const seen = new Set<string>();
      for (let index = 0; index < 4; index++) seen.add((await seenBy(path, { method })).name);
      return [...seen].sort();
    };
    assert.deepEqual(await names('/jwks', 'GET'), ['as1', 'as2']);
    assert.deepEqual(await names('/mcp', 'POST'), ['rs1', 'rs2'], '2026-07-28 clients: round robin');

    const answer = await send('/token', {
      method: 'POST',
      headers: {
        'x-forwarded-host': 'attacker.example',
        'x-forwarded-proto': 'http',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    const seen = JSON.parse(answer.body) as Seen;
    assert.equal(seen.headers.host, PUBLIC_NAME);
    assert.equal(seen.headers['x-forwarded-host'], PUBLIC_NAME, "a client's X-Forwarded-Host never passes");
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    // The AS (--trust-proxy) reads the right-most address: the one nginx appended.
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.match(answer.headers['strict-transport-security'] ?? '', /max-age=\d+/);
  });

  it('passes Server-Sent Events on as they come (no buffering)', { timeout: 15_000 }, async () => {
    let req: ReturnType<typeof request> | undefined;
    try {
      const first = await new Promise<{ data: string; rest: Promise<string> }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the first event was held back by nginx')), 3000);
        req = request(
          {
            host: '127.0.0.1',
            port: httpsPort,
            path: '/mcp',
            method: 'POST',
            servername: PUBLIC_NAME,
            ca,
            agent: false,
            headers: { host: PUBLIC_NAME, 'x-test-stream': '1', accept: 'text/event-stream' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            const rest = new Promise<string>((done) => res.on('end', () => done(body)));
            res.on('data', (chunk) => {
              body += chunk;
              if (body.includes('\n\n')) {
                clearTimeout(timer);
                resolve({ data: body, rest });
              }
            });
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      const seen = JSON.parse(first.data.replace(/^data: /, '').split('\n')[0] ?? '') as Seen;
      // Only now may the instance end its stream: the first event got through before that.
      stubs[seen.name as 'rs1' | 'rs2'].release();
      assert.match(await first.rest, /data: "second"/);
    } finally {
      stubs.rs1.release();
      stubs.rs2.release();
      req?.destroy();
    }
  });

  it('refuses any other name, and sends people from http to https', { timeout: 15_000 }, async () => {
    await assert.rejects(send('/jwks', { servername: 'other.example' }), 'no TLS handshake for another name');
    await assert.rejects(
      send('/jwks', { headers: { host: 'other.example' } }),
      /socket hang up|ECONNRESET/,
      'another Host is dropped (444) even after a handshake for the public name',
    );
    const plain = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: httpPort }, () =>
          socket.end(`GET /jwks HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
        );
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
    assert.match(
      await plain(PUBLIC_NAME),
      new RegExp(`^HTTP/1.1 301[\\s\\S]*\r\nLocation: https://${PUBLIC_NAME}/jwks\r\n`),
    );
    assert.equal(await plain('other.example'), '', 'another name gets no answer');
  });

  it('the documented affinity line pins each client to one RS instance', { timeout: 15_000 }, async () => {
    await start('affinity', (example) => replaceExactly(example, AFFINITY, AFFINITY.replace(/^# /, ''), 1));
    const seen = new Set<string>();
    for (let index = 0; index < 6; index++) seen.add((await seenBy('/mcp', { method: 'POST' })).name);
    assert.equal(seen.size, 1, [...seen].join(', '));
    const as = new Set<string>();
    for (let index = 0; index < 4; index++) as.add((await seenBy('/token', { method: 'POST' })).name);
    assert.deepEqual([...as].sort(), ['as1', 'as2'], 'the AS instances stay round robin');
  });
});
