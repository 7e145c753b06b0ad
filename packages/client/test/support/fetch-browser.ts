#!/usr/bin/env node
/**
 * A light stand-in for the user's browser, for tests that are about the client rather than the
 * pages (those use chromium-browser.ts): the client under test runs it as `$BROWSER <url>`. It
 * signs in and approves over plain HTTP (approveInBrowser), then delivers the redirect to the
 * client's loopback callback. Environment: TEST_BROWSER_USERNAME, TEST_BROWSER_PASSWORD,
 * TEST_BROWSER_LOG (one line per invocation), TEST_BROWSER_CALLBACK_LOG (the redirect URL it
 * delivered, with its code, one line each), TEST_BROWSER_ANSWER=never (only record the URL, like
 * a person who walked away).
 */
import { appendFileSync } from 'node:fs';
import { approveInBrowser } from '@mcp-auth/test-support/headless-browser';

const url = new URL(process.argv[2] ?? '');
if (process.env.TEST_BROWSER_LOG) appendFileSync(process.env.TEST_BROWSER_LOG, `${url.href}\n`);
if (process.env.TEST_BROWSER_ANSWER !== 'never') {
  const user = {
    username: process.env.TEST_BROWSER_USERNAME ?? '',
    password: process.env.TEST_BROWSER_PASSWORD ?? '',
  };
  const callback = await approveInBrowser(url, user, 'http://127.0.0.1');
  if (process.env.TEST_BROWSER_CALLBACK_LOG)
    appendFileSync(process.env.TEST_BROWSER_CALLBACK_LOG, `${callback}\n`);
  await (await fetch(callback)).body?.cancel();
}
