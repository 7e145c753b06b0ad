#!/usr/bin/env node
/**
 * A stand-in for the user's browser, for end-to-end tests: the client under test runs it as
 * `$BROWSER <url>`. It drives Chromium (the one `findChromium` finds) through the real sign-in
 * and consent pages.
 * Environment: TEST_BROWSER_USERNAME, TEST_BROWSER_PASSWORD, TEST_BROWSER_LOG (a file that
 * gets one line per invocation, so tests can tell whether a browser was needed).
 */
import { appendFileSync } from 'node:fs';
import { launchChromium } from '@mcp-auth/test-support/chromium';

const url = process.argv[2] ?? '';
if (process.env.TEST_BROWSER_LOG) appendFileSync(process.env.TEST_BROWSER_LOG, `${url}\n`);

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(url);
  for (let step = 0; step < 4 && !page.url().startsWith('http://127.0.0.1'); step++) {
    if (await page.getByLabel(/password/i).count()) {
      await page.getByLabel(/username/i).fill(process.env.TEST_BROWSER_USERNAME ?? '');
      await page.getByLabel(/password/i).fill(process.env.TEST_BROWSER_PASSWORD ?? '');
      await page.getByRole('button', { name: /sign in/i }).click();
    } else {
      await page.getByRole('button', { name: /allow/i }).click();
    }
    await page.waitForLoadState();
  }
  await page.waitForURL((current) => current.href.startsWith('http://127.0.0.1'), { timeout: 15_000 });
} finally {
  await browser.close();
}
