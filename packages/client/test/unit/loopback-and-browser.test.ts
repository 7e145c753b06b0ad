import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { LoopbackCallbackServer } from '../../src/oauth/callback-server.ts';
import { openBrowser, openerFor } from '../../src/oauth/open-browser.ts';

describe('loopback callback (RFC 8252 §7.3)', () => {
  it('listens on 127.0.0.1, ignores a wrong state, resolves on the right one, shows a page', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      assert.match(callback.redirectUrl, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const waiting = callback.waitFor('good-state', 10_000);
      const forged = await fetch(`${callback.redirectUrl}?code=x&state=bad-state`);
      assert.equal(forged.status, 400);
      const wrongPath = await fetch(callback.redirectUrl.replace('/callback', '/other'));
      assert.equal(wrongPath.status, 404);
      const ok = await fetch(`${callback.redirectUrl}?code=the-code&state=good-state&iss=https%3A%2F%2Fas`);
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /Signed in/);
      const { params } = await waiting;
      assert.equal(params.get('code'), 'the-code');
    } finally {
      await callback.close();
    }
  });

  it('a request-target that is no URL (`//%20`) gets 404 and the sign-in still completes', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      const port = new URL(callback.redirectUrl).port;
      // Any local program can send this; `new URL` throws on it, which ended the listener.
      const status = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.end('GET //%20 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
        });
        let answer = '';
        socket.on('data', (chunk) => {
          answer += chunk.toString();
        });
        socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
      });
      assert.equal(status, 'HTTP/1.1 404 Not Found');
      const ok = await fetch(`${callback.redirectUrl}?code=the-code&state=good-state`);
      assert.equal(ok.status, 200);
      assert.equal((await waiting).params.get('code'), 'the-code');
    } finally {
      await callback.close();
    }
  });

  it('when the preferred port is busy, another free loopback port is used', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    const callback = await LoopbackCallbackServer.listen(busy);
    try {
      assert.notEqual(new URL(callback.redirectUrl).port, String(busy));
    } finally {
      await callback.close();
      blocker.close();
    }
  });

  it('times out with a clear message', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      await assert.rejects(callback.waitFor('s', 50), /no answer from the browser/);
    } finally {
      await callback.close();
    }
  });
});

describe('opening the browser (RFC 8252 §4.1: an external user-agent)', () => {
  it('uses BROWSER, else the platform opener, never a shell', () => {
    assert.deepEqual(openerFor('linux', { BROWSER: '/usr/bin/firefox' }), ['/usr/bin/firefox', []]);
    assert.deepEqual(openerFor('linux', {}), ['xdg-open', []]);
    assert.deepEqual(openerFor('darwin', {}), ['open', []]);
    assert.deepEqual(openerFor('win32', {}), ['explorer.exe', []]);
  });

  it('refuses anything but http(s) URLs', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:']) {
      await assert.rejects(
        openBrowser(new URL(url), { env: { BROWSER: '/bin/true' } }),
        /only http and https/,
      );
    }
  });
});
