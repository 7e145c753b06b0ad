import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeHtml,
  html,
  interactionStylesheet,
  layout,
  renderAccountPage,
  renderAccountSignInPage,
  renderConsentPage,
  renderErrorPage,
  renderLoginPage,
  STYLESHEET_PATH,
} from '../../src/pages/index.ts';

/** Breaks out of text (a script element) and out of a quoted attribute (an event handler). */
const HOSTILE = `<script>alert(1)</script>"' onmouseover="alert(2)" x='`;
const HOSTILE_ESCAPED =
  '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; onmouseover=&quot;alert(2)&quot; x=&#39;';

type LoginInput = Parameters<typeof renderLoginPage>[0];
type ConsentInput = Parameters<typeof renderConsentPage>[0];

const login = (overrides: Partial<LoginInput> = {}) =>
  renderLoginPage({
    formAction: '/interaction/u1/login',
    abortAction: '/interaction/u1/abort',
    csrfToken: 'csrf-token-1',
    clientName: 'Good App',
    ...overrides,
  });

const consent = (overrides: Partial<ConsentInput> = {}) =>
  renderConsentPage({
    formAction: '/interaction/u1/confirm',
    denyAction: '/interaction/u1/abort',
    csrfToken: 'csrf-token-1',
    accountName: 'alice',
    client: { name: 'Good App', id: 'client-1' },
    redirectUri: 'http://127.0.0.1:3030/callback?x=1',
    redirectHostOnlyLoopback: true,
    resources: [
      {
        uri: 'http://localhost:8001/mcp',
        name: 'MCP demo server',
        scopes: [
          {
            name: 'user',
            description: 'Use the everyday tools',
            unlocks: ['get_time', 'calculator', 'get_weather'],
          },
        ],
      },
    ],
    offlineAccess: false,
    ...overrides,
  });

/** Every page, with every dynamic value hostile. */
function hostilePages(): Array<[string, string]> {
  return [
    [
      'sign-in',
      login({
        formAction: HOSTILE,
        abortAction: HOSTILE,
        csrfToken: HOSTILE,
        clientName: HOSTILE,
        clientUri: `https://evil.example/${HOSTILE}`,
        username: HOSTILE,
        error: HOSTILE,
        demoAccountHint: { username: HOSTILE, password: HOSTILE },
        issuerHost: HOSTILE,
      }),
    ],
    [
      'consent',
      consent({
        formAction: HOSTILE,
        denyAction: HOSTILE,
        csrfToken: HOSTILE,
        accountName: HOSTILE,
        client: { name: HOSTILE, id: HOSTILE, uri: HOSTILE },
        redirectUri: HOSTILE,
        resources: [
          {
            uri: HOSTILE,
            name: HOSTILE,
            scopes: [{ name: HOSTILE, description: HOSTILE, unlocks: [HOSTILE] }],
          },
        ],
        offlineAccess: true,
        issuerHost: HOSTILE,
      }),
    ],
    ['error', renderErrorPage({ title: HOSTILE, message: HOSTILE, details: HOSTILE, issuerHost: HOSTILE })],
    [
      'account',
      renderAccountPage({
        username: HOSTILE,
        csrfToken: HOSTILE,
        notice: HOSTILE,
        error: HOSTILE,
        issuerHost: HOSTILE,
        apps: [
          {
            grantId: HOSTILE,
            clientId: HOSTILE,
            name: HOSTILE,
            registration: 'dynamic',
            resources: [{ uri: HOSTILE, name: HOSTILE, scopes: [{ name: HOSTILE, description: HOSTILE }] }],
            openidScopes: ['offline_access'],
            grantedAt: HOSTILE,
            lastUsedAt: HOSTILE,
          },
        ],
      }),
    ],
    [
      'account sign-in',
      renderAccountSignInPage({
        csrfToken: HOSTILE,
        username: HOSTILE,
        error: HOSTILE,
        notice: HOSTILE,
        issuerHost: HOSTILE,
      }),
    ],
  ];
}

const ALLOWED_TAGS = new Set(
  'html head meta title link body header span svg path main footer h1 h2 h3 p strong div form input label button ul ol li code section dl dt dd a'.split(
    ' ',
  ),
);
const TAG = /<\/([a-z0-9]+)>|<([a-z0-9]+)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/g;
const ATTRIBUTE = /\s+([a-zA-Z-]+)(?:="[^"<>]*")?/g;

/**
 * Reads the page the way a browser tokenizer would and proves nothing got out of its place:
 * every tag is one we write, no attribute is an event handler or inline style, and no `<`, `>`
 * or `"` is left in text (where an escaped value would have turned into markup).
 */
function assertInert(page: string, label: string) {
  assert.ok(page.startsWith('<!doctype html>'), `${label}: doctype first`);
  const rest = page.slice('<!doctype html>'.length);
  for (const match of rest.matchAll(TAG)) {
    const tagName = match[1] ?? match[2] ?? '';
    assert.ok(ALLOWED_TAGS.has(tagName), `${label}: unexpected <${tagName}>`);
    for (const attribute of (match[3] ?? '').matchAll(ATTRIBUTE)) {
      const name = attribute[1]?.toLowerCase() ?? '';
      assert.ok(!name.startsWith('on'), `${label}: event handler attribute ${name}`);
      assert.notEqual(name, 'style', `${label}: inline style`);
    }
  }
  const text = rest.replace(TAG, '');
  assert.doesNotMatch(text, /[<>"]/, `${label}: markup characters left outside tags`);
  assert.ok(!/<script/i.test(page), `${label}: a script element`);
  assert.ok(!/\sstyle=/i.test(page), `${label}: a style attribute`);
}

function formsOf(page: string): string[] {
  return [...page.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((match) => match[0]);
}

describe('html helpers', () => {
  it('escapeHtml escapes the characters that end text or a quoted attribute', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&\`</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
    assert.equal(escapeHtml('plain text, ünïcode'), 'plain text, ünïcode');
  });

  it('html escapes interpolated strings, keeps nested html, joins arrays and drops empty values', () => {
    const inner = html`<b>${'<i>'}</b>`;
    const out = html`<p>${'<x>'}${inner}${['a', html`<br>`, 1]}${false}${null}${undefined}</p>`;
    assert.equal(out.toString(), '<p>&lt;x&gt;<b>&lt;i&gt;</b>a<br>1</p>');
  });

  it('an object that only looks like html is escaped, not trusted', () => {
    const forged = { toString: () => '<script>alert(1)</script>' };
    assert.equal(html`${forged as never}`.toString(), '&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('a page rendered to a string and put into html again is escaped, never executed', () => {
    assert.ok(!html`${login()}`.toString().includes('<form'));
  });

  it('layout gives every page the same frame', () => {
    const page = layout({ title: 'T', body: html`<p>content</p>`, issuerHost: 'auth.example:9000' });
    assert.match(page, /^<!doctype html>\n<html lang="en">/);
    assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.ok(page.includes(`<link rel="stylesheet" href="${STYLESHEET_PATH}">`));
    assert.equal(STYLESHEET_PATH, '/interaction-assets/styles.css');
    assert.match(page, /<header[\s\S]*MCP Authorization Server[\s\S]*auth\.example:9000[\s\S]*<\/header>/);
    assert.match(page, /<main[^>]*>\s*<p>content<\/p>\s*<\/main>/);
    assert.match(page, /<footer[\s\S]*<\/footer>/);
    assert.match(page, /<title>T · MCP Authorization Server<\/title>/);
    assert.match(
      layout({ title: 'T', body: html``, brand: 'Acme Sign-in' }),
      /<title>T · Acme Sign-in<\/title>/,
    );
  });
});

describe('sign-in, consent and error pages', () => {
  it('render every dynamic value inert and still show it, escaped', () => {
    for (const [label, page] of hostilePages()) {
      assertInert(page, label);
      assert.ok(page.includes(HOSTILE_ESCAPED), `${label}: the hostile text is shown escaped`);
    }
  });

  it('render well-formed pages with ordinary values too', () => {
    assertInert(
      login({ demoAccountHint: { username: 'demo', password: 'pw' }, error: 'x', username: 'a' }),
      'sign-in',
    );
    assertInert(consent({ offlineAccess: true }), 'consent');
    assertInert(renderErrorPage({ title: 'Expired', message: 'Start again.' }), 'error');
  });

  it('never link to a URL the client gave: only our stylesheet and our account page are referenced', () => {
    for (const [label, page] of hostilePages()) {
      const references = [...page.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) => match[1]);
      assert.equal(references[0], STYLESHEET_PATH, label);
      assert.deepEqual(
        references.slice(1).filter((reference) => reference !== '/account'),
        [],
        label,
      );
    }
  });

  it('link the sign-in and consent pages to the account page ("manage connected apps")', () => {
    for (const page of [login(), consent()])
      assert.match(page, /<a href="\/account">Manage[^<]*connected apps<\/a>/);
  });

  it('put the CSRF token in every form, as a hidden field, exactly once', () => {
    for (const page of [
      login(),
      login({ error: 'e', demoAccountHint: { username: 'u', password: 'p' } }),
      consent(),
    ]) {
      const forms = formsOf(page);
      assert.equal(forms.length, 2);
      for (const form of forms) {
        assert.equal(form.match(/<input type="hidden" name="csrf" value="csrf-token-1">/g)?.length, 1, form);
        assert.match(form, /^<form method="post" action="\/interaction\/u1\//);
      }
    }
  });

  it('tie a label to every visible input, with unique ids', () => {
    for (const page of [
      login(),
      login({ error: 'e', username: 'a' }),
      consent(),
      renderErrorPage({ title: 't', message: 'm' }),
    ]) {
      const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
      for (const match of page.matchAll(/<input([^>]*)>/g)) {
        const attributes = match[1] ?? '';
        if (attributes.includes('type="hidden"')) continue;
        const id = /\sid="([^"]+)"/.exec(attributes)?.[1];
        assert.ok(id, `input without id: ${attributes}`);
        assert.ok(page.includes(`<label for="${id}">`), `input ${id} has no label`);
      }
    }
  });
});

describe('sign-in page', () => {
  it('posts username and password with password-manager friendly autocomplete', () => {
    const page = login();
    assert.match(page, /<input type="text" id="username" name="username" autocomplete="username"/);
    assert.match(
      page,
      /<input type="password" id="password" name="password" autocomplete="current-password"/,
    );
    assert.match(page, /<button type="submit" class="primary wide">Sign in<\/button>/);
    assert.match(page, /<form method="post" action="\/interaction\/u1\/abort"[\s\S]*>Cancel<\/button>/);
    assert.match(page, /<title>Sign in ·/);
  });

  it('announces an error and points the password field at it', () => {
    assert.doesNotMatch(login(), /role="alert"|aria-invalid/);
    const page = login({ error: 'The username or password is not right.', username: 'alice' });
    assert.match(
      page,
      /<div class="notice error" role="alert" id="sign-in-error">The username or password is not right\.<\/div>/,
    );
    assert.match(page, /id="password"[^>]*aria-invalid="true" aria-describedby="sign-in-error"/);
    assert.match(page, /id="username"[^>]*value="alice"/);
    assert.match(page, /id="password"[^>]* autofocus>/, 'the cursor goes where the person has to type');
  });

  it('shows the demo account only when given', () => {
    assert.doesNotMatch(login(), /Development server/);
    assert.match(
      login({ demoAccountHint: { username: 'demo', password: 'pw123' } }),
      /Development server:<\/strong> demo account <code>demo<\/code> \/ <code>pw123<\/code>/,
    );
  });

  it('calls the client name self-declared and shows only the host of its website', () => {
    const page = login({ clientUri: 'https://app.example/about?ref=1' });
    assert.match(page, /Good App/);
    assert.match(page, /Name given by the app, not verified/);
    assert.match(page, /app\.example</);
    assert.ok(!page.includes('ref=1'));
    assert.doesNotMatch(login({ clientUri: 'javascript:alert(1)' }), /javascript/);
  });
});

describe('consent page', () => {
  it('says who wants what, where the answer goes and what each scope unlocks', () => {
    const page = consent();
    assert.match(
      page,
      /<strong class="client-name">Good App<\/strong> wants to access <strong>MCP demo server<\/strong> on your behalf/,
    );
    assert.match(page, /Name given by the app, not verified/);
    assert.match(page, /client-1/);
    assert.match(page, /Sends you back to<\/dt><dd class="mono">127\.0\.0\.1:3030<\/dd>/);
    assert.ok(!page.includes('/callback'), 'only the host of the redirect is shown');
    assert.match(
      page,
      /MCP demo server<\/h3>\s*<p class="resource-uri mono">http:\/\/localhost:8001\/mcp<\/p>/,
    );
    assert.match(page, /Use the everyday tools/);
    for (const tool of ['get_time', 'calculator', 'get_weather'])
      assert.match(page, new RegExp(`<code>${tool}</code>`));
    assert.match(page, /Signed in as <strong>alice<\/strong>/);
  });

  it('names several resources in words', () => {
    const resource = (name: string) => ({ uri: `https://${name}.example/mcp`, name, scopes: [] });
    const page = consent({ resources: [resource('Files'), resource('Mail'), resource('Calendar')] });
    assert.match(
      page,
      /<strong>Files<\/strong>, <strong>Mail<\/strong> and <strong>Calendar<\/strong> on your behalf/,
    );
  });

  it('warns about loopback redirects only when flagged', () => {
    assert.match(
      consent(),
      /This app runs on this computer[\s\S]*Only allow it if you started this app yourself/,
    );
    assert.doesNotMatch(
      consent({ redirectHostOnlyLoopback: false, redirectUri: 'https://app.example/cb' }),
      /runs on this computer/,
    );
  });

  it('shows a native app redirect by its scheme', () => {
    assert.match(
      consent({ redirectUri: 'com.example.app:/oauth/cb' }),
      /<dd class="mono">com\.example\.app:<\/dd>/,
    );
  });

  it('mentions staying signed in only for offline access', () => {
    assert.doesNotMatch(consent(), /Stay signed in/);
    assert.match(
      consent({ offlineAccess: true }),
      /Stay signed in:<\/strong> the app may refresh its access without asking you again/,
    );
  });

  it('allows and denies in separate forms, Allow being the primary action', () => {
    const [deny, allow] = formsOf(consent());
    assert.match(deny ?? '', /action="\/interaction\/u1\/abort"[\s\S]*<button type="submit">Deny<\/button>/);
    assert.match(
      allow ?? '',
      /action="\/interaction\/u1\/confirm"[\s\S]*<button type="submit" class="primary">Allow<\/button>/,
    );
  });
});

describe('error page', () => {
  it('announces the problem and says what to do next', () => {
    const page = renderErrorPage({
      title: 'This sign-in has expired',
      message: 'Start again from the app.',
      details: 'invalid_request',
    });
    assert.match(page, /<h1>This sign-in has expired<\/h1>/);
    assert.match(page, /role="alert">Start again from the app\.<\/div>/);
    assert.match(page, /What to do next/);
    assert.match(page, /<code>invalid_request<\/code>/);
    assert.doesNotMatch(renderErrorPage({ title: 't', message: 'm' }), /Error code/);
  });
});

describe('stylesheet', () => {
  it('loads nothing from elsewhere and covers dark mode, focus and phones', () => {
    assert.doesNotMatch(interactionStylesheet, /url\(|@import|https?:/);
    assert.match(interactionStylesheet, /@media \(prefers-color-scheme: dark\)/);
    assert.match(interactionStylesheet, /:focus-visible/);
    assert.match(interactionStylesheet, /@media \(max-width: 30rem\)/);
  });
});
