import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import {
  createSafeFetch,
  SafeFetchError,
  type SafeFetchOptions,
  type SafeFetchReason,
} from '../../src/client-metadata/safe-fetch.ts';
import { requestAuthorization } from '../support/authorization-request.ts';
import { type MetadataDocumentHost, startMetadataDocumentHost } from '../support/metadata-document-host.ts';
import { type MetadataServer, SIZE_LIMIT, startMetadataServer } from '../support/metadata-server.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/** A resolver that answers every name with one address, as a hostile DNS server would. */
function fakeLookup(address: string, family: 4 | 6, calls: string[] = []): SafeFetchOptions['lookup'] {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    calls.push(hostname);
    if (options.all) callback(null, [{ address, family } satisfies LookupAddress]);
    else callback(null, address, family);
  }) as never;
}

async function rejectsWith(promise: Promise<unknown>, reason: SafeFetchReason): Promise<SafeFetchError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof SafeFetchError, `expected a SafeFetchError, got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  return caught;
}

describe('SSRF-safe fetch for Client ID Metadata Documents', () => {
  let server: MetadataServer;
  let dev: ReturnType<typeof createSafeFetch>; // loopback allowed, trusts the test certificate
  let strict: ReturnType<typeof createSafeFetch>; // production rules, trusts the test certificate

  before(async () => {
    server = await startMetadataServer();
    dev = createSafeFetch({ allowLoopback: true, ca: server.cert });
    strict = createSafeFetch({ allowLoopback: false, ca: server.cert });
  });
  after(() => server.close());

  it('with loopback allowed, fetches the JSON document and keeps every response header', async () => {
    const response = await dev(`${server.origin}/client.json`);
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'max-age=300');
    assert.equal(response.headers.get('x-repeated'), 'one, two');
    assert.deepEqual(await response.json(), { client_id: `${server.origin}/client.json` });
  });

  it('asks for JSON by default and never sends cookies or credentials', async () => {
    await dev(`${server.origin}/client.json`, {
      headers: { cookie: 'session=1', authorization: 'Bearer x', 'user-agent': '' },
    });
    const { headers } = server.requests.at(-1) ?? assert.fail('no request seen');
    assert.equal(headers.accept, 'application/json');
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.authorization, undefined);
  });

  it('without the flag, refuses loopback before connecting', async () => {
    const before = server.connections();
    for (const url of [
      `${server.origin}/client.json`,
      `https://127.0.0.1:${server.port}/client.json`,
      `https://[::ffff:127.0.0.1]:${server.port}/client.json`,
      `https://2130706433:${server.port}/client.json`, // 127.0.0.1 as one decimal number
    ]) {
      await rejectsWith(strict(url), 'address');
    }
    assert.equal(server.connections(), before, 'the server saw no connection');
  });

  for (const [address, family] of [
    ['10.0.0.5', 4],
    ['169.254.169.254', 4],
    ['::ffff:127.0.0.1', 6],
    ['fd00::1', 6],
    ['64:ff9b::a9fe:a9fe', 6],
  ] as const) {
    it(`refuses a public-looking name that resolves to ${address}`, async () => {
      const fetch = createSafeFetch({ allowLoopback: false, lookup: fakeLookup(address, family) });
      const error = await rejectsWith(fetch('https://client.example.com/metadata.json'), 'address');
      assert.match(error.message, /client\.example\.com/);
    });
  }

  it('resolves once, with the injected resolver, and connects to what it answered', async () => {
    const calls: string[] = [];
    const fetch = createSafeFetch({
      allowLoopback: true,
      ca: server.cert,
      lookup: fakeLookup('127.0.0.1', 4, calls),
    });
    assert.equal((await fetch(`${server.origin}/client.json`)).status, 200);
    assert.deepEqual(calls, ['localhost']);
  });

  it('refuses forbidden IP literals even in development', async () => {
    await rejectsWith(dev('https://169.254.169.254/latest/meta-data/'), 'address');
    await rejectsWith(dev('https://[fd00::1]/client.json'), 'address');
    await rejectsWith(dev('https://0.0.0.0/client.json'), 'address');
  });

  it('refuses http (even for loopback in development), userinfo, non-GET and non-URLs', async () => {
    await rejectsWith(dev(`http://localhost:${server.port}/client.json`), 'scheme');
    await rejectsWith(dev(`https://user:pass@localhost:${server.port}/client.json`), 'scheme');
    await rejectsWith(dev(`https://user@localhost:${server.port}/client.json`), 'scheme');
    await rejectsWith(dev(`${server.origin}/client.json`, { method: 'POST' }), 'scheme');
    await rejectsWith(dev('not a url'), 'scheme');
  });

  it('accepts a body of exactly the limit', async () => {
    const response = await dev(`${server.origin}/exactly-at-limit`);
    assert.equal((await response.arrayBuffer()).byteLength, SIZE_LIMIT);
  });

  it('refuses a body declared larger than the limit, without echoing it', async () => {
    const error = await rejectsWith(dev(`${server.origin}/declared-too-large`), 'too-large');
    assert.doesNotMatch(error.message, /xxx/);
    assert.match(error.message, /localhost/);
  });

  it('refuses a body that streams past the limit without a content-length', async () => {
    await rejectsWith(dev(`${server.origin}/streamed-too-large`), 'too-large');
  });

  it('times out on a server that never answers', async () => {
    const fetch = createSafeFetch({ allowLoopback: true, ca: server.cert, timeoutMs: 300 });
    await rejectsWith(fetch(`${server.origin}/never-answers`), 'timeout');
  });

  it('times out on a server that stops in the middle of the body', async () => {
    const fetch = createSafeFetch({ allowLoopback: true, ca: server.cert, timeoutMs: 300 });
    await rejectsWith(fetch(`${server.origin}/stalls-mid-body`), 'timeout');
  });

  it("honours the caller's abort signal", async () => {
    const controller = new AbortController();
    const pending = dev(`${server.origin}/never-answers`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(pending, 'timeout');
    await rejectsWith(dev(`${server.origin}/client.json`, { signal: AbortSignal.abort() }), 'timeout');
  });

  it('returns a redirect as is and does not follow it', async () => {
    const seen = server.requests.length;
    const response = await dev(`${server.origin}/redirect-to-client`);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/client.json');
    assert.equal(server.requests.length, seen + 1, 'exactly one request');
  });

  it('when told to follow redirects, checks every hop like the first', async () => {
    const following = createSafeFetch({ allowLoopback: true, ca: server.cert, maxRedirects: 1 });
    assert.equal((await following(`${server.origin}/redirect-to-client`)).status, 200);
    await rejectsWith(following(`${server.origin}/redirect-to-metadata-service`), 'address');
  });

  it('fails as a network error when the certificate is not trusted', async () => {
    const error = await rejectsWith(
      createSafeFetch({ allowLoopback: true })(`${server.origin}/client.json`),
      'network',
    );
    assert.match(error.message, /localhost/);
  });
});

/**
 * The same defences seen from the authorization endpoint: a `client_id` that is a URL makes the
 * AS fetch it (Client ID Metadata Documents), so an attacker can aim the AS at its own network.
 * Without the development flag, no address of this machine or its private networks is fetched,
 * however it is spelled, and the refusal never redirects (the client is unverified).
 */
describe('CIMD SSRF through the authorization endpoint', () => {
  let host: MetadataDocumentHost;
  let server: TestAuthorizationServer;
  before(async () => {
    host = await startMetadataDocumentHost();
    server = await startTestServer({}, { clientMetadataCa: host.cert });
  });
  after(async () => {
    await server?.dispose();
    await host?.close();
  });

  it('SSRF protection: a metadata URL on a loopback address is refused without being fetched', async () => {
    const clientId = host.publish('/apps/loopback.json');
    const before = host.requests.length;
    const response = await requestAuthorization(server.issuer, clientId);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.equal(host.requests.length, before, 'the document server saw no request');
  });

  it('SSRF protection: private and link-local addresses are refused', async () => {
    for (const clientId of ['https://10.0.0.1/client.json', 'https://169.254.169.254/latest/meta-data']) {
      const response = await requestAuthorization(server.issuer, clientId);
      assert.equal(response.status, 400, clientId);
    }
  });

  it('every spelling of a local or private address is refused without a redirect, and nothing is fetched', async () => {
    const port = new URL(host.publish('/apps/spellings.json')).port;
    const before = host.requests.length;
    for (const origin of [
      `https://127.0.0.1:${port}`,
      `https://[::1]:${port}`,
      `https://[::ffff:127.0.0.1]:${port}`,
      `https://[::ffff:7f00:1]:${port}`,
      `https://0x7f000001:${port}`,
      `https://2130706433:${port}`,
      `https://0177.0.0.1:${port}`,
      `https://127.1:${port}`,
      `https://0.0.0.0:${port}`,
      'https://[fd00::1]',
      'https://[fe80::1]',
      'https://192.168.0.1',
      'https://172.16.0.1',
      'https://100.64.0.1',
      'https://[64:ff9b::a9fe:a9fe]',
      'https://metadata.google.internal.',
    ]) {
      const clientId = `${origin}/apps/spellings.json`;
      const response = await requestAuthorization(server.issuer, clientId);
      assert.equal(response.status, 400, clientId);
      assert.equal(response.headers.get('location'), null, clientId);
      await response.body?.cancel();
    }
    assert.equal(host.requests.length, before, 'not one of them reached the document server');
  });
});
