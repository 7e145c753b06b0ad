import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderConsentPage, renderErrorPage, renderLoginPage } from '../../src/interactions/pages/index.ts';

const HOSTILE = `<script>alert(1)</script>"' onmouseover="x`;

const consent = (overrides: Partial<Parameters<typeof renderConsentPage>[0]> = {}) =>
  renderConsentPage({
    formAction: '/interaction/u1/confirm',
    denyAction: '/interaction/u1/abort',
    csrfToken: 'csrf-token-1',
    accountName: HOSTILE,
    client: { name: HOSTILE, id: HOSTILE },
    redirectUri: `http://127.0.0.1:3030/cb?x=${encodeURIComponent(HOSTILE)}`,
    redirectHostOnlyLoopback: true,
    resources: [
      {
        uri: 'http://localhost:8001/mcp',
        name: HOSTILE,
        scopes: [{ name: 'user', description: HOSTILE, unlocks: [HOSTILE, 'get_time'] }],
      },
    ],
    offlineAccess: false,
    ...overrides,
  });

const login = (overrides: Partial<Parameters<typeof renderLoginPage>[0]> = {}) =>
  renderLoginPage({
    formAction: '/interaction/u1/login',
    abortAction: '/interaction/u1/abort',
    csrfToken: 'csrf-token-1',
    clientName: HOSTILE,
    username: HOSTILE,
    error: HOSTILE,
    ...overrides,
  });

function assertInert(page: string) {
  assert.ok(!page.includes('<script'), 'no script element, hostile or not');
  assert.ok(!page.includes(`" onmouseover="`), 'no attribute breakout');
  assert.ok(!/\sstyle=/.test(page), 'no inline style (CSP style-src self)');
}

function assertLabelled(page: string) {
  for (const match of page.matchAll(/<input([^>]*)>/g)) {
    const attributes = match[1] ?? '';
    if (/type="hidden"/.test(attributes)) continue;
    const id = /id="([^"]+)"/.exec(attributes)?.[1];
    assert.ok(id, `input without id: ${attributes}`);
    assert.ok(page.includes(`<label for="${id}"`), `input ${id} has no label`);
  }
}

describe('sign-in and consent pages', () => {
  it('escape every dynamic value (client name, account, redirect URI, scope texts, errors)', () => {
    for (const page of [
      login(),
      consent(),
      renderErrorPage({ title: HOSTILE, message: HOSTILE, details: HOSTILE }),
    ]) {
      assertInert(page);
      assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'hostile text is shown, escaped');
    }
  });

  it('every form carries the CSRF token', () => {
    for (const page of [login(), consent()]) {
      const forms = page.match(/<form/g)?.length ?? 0;
      const tokens = page.match(/name="csrf" value="csrf-token-1"/g)?.length ?? 0;
      assert.ok(forms >= 2);
      assert.equal(tokens, forms);
    }
  });

  it('every visible input has a label; the page declares its language', () => {
    assertLabelled(login());
    assert.match(login(), /<html lang="en">/);
  });

  it('the loopback warning appears only for loopback redirects', () => {
    assert.match(consent(), /runs on this computer/);
    assert.doesNotMatch(
      consent({ redirectHostOnlyLoopback: false, redirectUri: 'https://app.example/cb' }),
      /runs on this computer/,
    );
  });

  it('the consent page names the app as self-declared, shows the redirect host, resource and unlocks', () => {
    const page = consent({ client: { name: 'Good App', id: 'cid-1' } });
    assert.match(page, /Name given by the app, not verified/);
    assert.match(page, /cid-1/);
    assert.match(page, /127\.0\.0\.1:3030/);
    assert.match(page, /http:\/\/localhost:8001\/mcp/);
    assert.match(page, /<code>get_time<\/code>/);
  });

  it('the demo hint appears only when given', () => {
    assert.doesNotMatch(login(), /Development server/);
    assert.match(
      login({ demoAccountHint: { username: 'demo', password: 'pw123' } }),
      /Development server[\s\S]*pw123/,
    );
  });
});
