import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopbackCallbackServer } from '../../src/oauth/callback-server.ts';
import { openBrowser, openerFor } from '../../src/oauth/open-browser.ts';

describe('loopback callback (RFC 8252 §7.3)', () => {
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
