import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSafeFetch, SafeFetchError } from '../../src/client-metadata/safe-fetch.ts';
import { createSelfSignedCertificate } from '../support/self-signed-certificate.ts';

/** A resolver that answers every name with the given address, as a hostile DNS server would. */
function fakeLookup(address: string, family: 4 | 6) {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  }) as never;
}

async function rejectsWith(promise: Promise<unknown>, reason: SafeFetchError['reason']) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SafeFetchError, String(error));
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

describe('SSRF-safe fetch for Client ID Metadata Documents', () => {
  const certificate = createSelfSignedCertificate();
  let server: Server;
  let base: string;
  const seen: string[] = [];

  before(async () => {
    server = createServer(certificate, (req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/client.json') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'max-age=300');
        res.end(JSON.stringify({ client_id: `${base}/client.json` }));
      } else if (req.url === '/big') {
        res.setHeader('content-length', '100000');
        res.end('x'.repeat(100000));
      } else if (req.url === '/big-streamed') {
        res.write('x'.repeat(4000));
        res.write('x'.repeat(4000));
        res.end();
      } else if (req.url === '/redirect') {
        res.statusCode = 302;
        res.setHeader('location', 'https://169.254.169.254/');
        res.end();
      } else if (req.url === '/slow') {
        // never answers
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('with loopback allowed (development), fetches a JSON document and keeps its headers', async () => {
    const fetch = createSafeFetch({ allowLoopback: true, ca: certificate.cert });
    const response = await fetch(`${base}/client.json`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'max-age=300');
    assert.deepEqual(await response.json(), { client_id: `${base}/client.json` });
  });

  it('without the flag, refuses loopback before connecting', async () => {
    const before = seen.length;
    await rejectsWith(
      createSafeFetch({ allowLoopback: false, ca: certificate.cert })(`${base}/client.json`),
      'address',
    );
    assert.equal(seen.length, before, 'the server saw no request');
  });

  for (const [address, family] of [
    ['10.0.0.5', 4],
    ['169.254.169.254', 4],
    ['::ffff:127.0.0.1', 6],
    ['fd00::1', 6],
  ] as const) {
    it(`a public-looking name resolving to ${address} is refused (DNS rebinding)`, async () => {
      const fetch = createSafeFetch({ allowLoopback: false, lookup: fakeLookup(address, family) });
      await rejectsWith(fetch('https://client.example.com/metadata.json'), 'address');
    });
  }

  it('IP literals in the URL go through the same check', async () => {
    const fetch = createSafeFetch({ allowLoopback: true });
    await rejectsWith(fetch('https://169.254.169.254/latest/meta-data'), 'address');
    await rejectsWith(fetch('https://[fd00::1]/x'), 'address');
  });

  it('http, userinfo and non-GET are refused', async () => {
    const fetch = createSafeFetch({ allowLoopback: true });
    await rejectsWith(fetch('http://localhost/client.json'), 'scheme');
    await rejectsWith(fetch('https://user:pass@example.com/client.json'), 'scheme');
    await rejectsWith(fetch('https://example.com/client.json', { method: 'POST' }), 'scheme');
  });

  it('a declared oversized body is refused', async () => {
    await rejectsWith(
      createSafeFetch({ allowLoopback: true, ca: certificate.cert })(`${base}/big`),
      'too-large',
    );
  });

  it('a streamed body over the limit is refused', async () => {
    await rejectsWith(
      createSafeFetch({ allowLoopback: true, ca: certificate.cert })(`${base}/big-streamed`),
      'too-large',
    );
  });

  it('a server that never answers times out', async () => {
    const fetch = createSafeFetch({ allowLoopback: true, ca: certificate.cert, timeoutMs: 300 });
    await rejectsWith(fetch(`${base}/slow`), 'timeout');
  });

  it('a redirect is returned as is, never followed', async () => {
    const response = await createSafeFetch({ allowLoopback: true, ca: certificate.cert })(`${base}/redirect`);
    assert.equal(response.status, 302);
  });

  it('a certificate that is not trusted fails as a network error', async () => {
    await rejectsWith(createSafeFetch({ allowLoopback: true })(`${base}/client.json`), 'network');
  });
});
