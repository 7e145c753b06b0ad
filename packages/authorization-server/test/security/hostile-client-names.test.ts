import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { formAction, hiddenValue, postForm } from '@mcp-auth/test-support/oauth-flow';
import { requestAuthorization } from '../support/authorization-request.ts';
import { type MetadataDocumentHost, startMetadataDocumentHost } from '../support/metadata-document-host.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * A client names itself (RFC 7591 `client_name`, `client_uri`, `logo_uri`; the same fields in a
 * Client ID Metadata Document), and the sign-in and consent pages show what it says to the person
 * deciding whether to trust it. A hostile name must not run (HTML, script), lie about itself
 * (bidirectional overrides that reverse text, invisible characters), or drown the page (a name of
 * thousands of characters pushing the facts out of view); a URL it gives is never a link, so never
 * a `javascript:` one, and a logo is never loaded.
 */
const MAX_SHOWN = 60;
const BIDI_AND_INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters this test looks for
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const HOSTILE_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['markup', '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>'],
  ['a quoted attribute break', `"' autofocus onfocus="alert(1)`],
  ['a right-to-left override', 'Good App\u202E moc.live//:sptth \u202C'],
  ['bidi isolates and marks', '\u2067Trusted\u2069 \u200fBank\u200e \u061cApp'],
  ['invisible characters', 'Tru\u200bsted\u2060 A\ufeffpp'],
  ['control characters', 'Good\u0000 App\u0007\u001b[31m\r\nSecond line\u0085'],
  ['a very long name', `Trusted App ${'A'.repeat(20_000)}`],
];

/** The text inside every `<strong class="client-name">`, entities decoded. */
function shownNames(page: string): string[] {
  return [...page.matchAll(/<strong class="client-name">([\s\S]*?)<\/strong>/g)].map((match) =>
    (match[1] ?? '')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&#96;', '`')
      .replaceAll('&amp;', '&'),
  );
}

function assertSafePage(page: string, what: string): void {
  assert.doesNotMatch(page, /<script/i, `${what}: a script element`);
  // The one link our pages have is to our own account page.
  assert.doesNotMatch(page, /<img|<a\s(?!href="\/account">)/i, `${what}: an image or a link`);
  assert.doesNotMatch(page, /javascript:/i, `${what}: a javascript: URL`);
  assert.doesNotMatch(page, /<[a-z][^>]*\son[a-z]+=/i, `${what}: a tag with an event handler`);
  assert.doesNotMatch(page, BIDI_AND_INVISIBLE, `${what}: a bidi or invisible character`);
  assert.doesNotMatch(page, CONTROL, `${what}: a control character`);
  const names = shownNames(page);
  assert.ok(names.length > 0, `${what}: the client's name is shown`);
  for (const name of names) {
    assert.ok([...name].length <= MAX_SHOWN, `${what}: a name of ${[...name].length} characters`);
    assert.ok(name.trim().length > 0, `${what}: an empty name`);
  }
}

/** Signs in as the test user up to the consent page, returning both pages' HTML. */
async function pagesFor(server: TestAuthorizationServer, clientId: string) {
  const jar = new CookieJar();
  const started = await requestAuthorization(server.issuer, clientId, { resource: DEMO_RESOURCE });
  jar.store(started);
  assert.equal(started.status, 303, await started.clone().text());
  const loginResponse = await fetch(new URL(started.headers.get('location') ?? '', server.issuer), {
    headers: { cookie: jar.header() },
  });
  jar.store(loginResponse);
  const login = await loginResponse.text();
  let response = await postForm(jar, new URL(formAction(login, /\/login$/), server.issuer).href, {
    csrf: hiddenValue(login, 'csrf'),
    username: TEST_USER.username,
    password: TEST_USER.password,
  });
  for (let hops = 0; hops < 5 && response.headers.get('location'); hops++) {
    response = await fetch(new URL(response.headers.get('location') ?? '', server.issuer), {
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.store(response);
  }
  assert.equal(response.status, 200, 'the consent page');
  return { login, consent: await response.text(), jar };
}

/** Allows what the consent page asks, then the person's /account page, listing that app. */
async function accountPageAfterConsent(server: TestAuthorizationServer, jar: CookieJar, consent: string) {
  const allowed = await postForm(jar, new URL(formAction(consent, /\/confirm$/), server.issuer).href, {
    csrf: hiddenValue(consent, 'csrf'),
  });
  assert.equal(allowed.status, 303);
  // Back to oidc-provider, which finishes the sign-in session, then to the app (not followed).
  let location = allowed.headers.get('location') ?? '';
  for (let hops = 0; hops < 5 && location && !location.startsWith('http://127.0.0.1:3030/'); hops++) {
    const resumed = await fetch(new URL(location, server.issuer), {
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.store(resumed);
    location = resumed.headers.get('location') ?? '';
  }
  const response = await fetch(`${server.issuer}/account`, { headers: { cookie: jar.header() } });
  assert.equal(response.status, 200);
  return response.text();
}

describe('hostile client names: dynamic registration', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 1000 },
    });
  });
  after(() => server.dispose());

  const register = async (metadata: Record<string, unknown>) => {
    const response = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1:3030/callback'],
        token_endpoint_auth_method: 'none',
        ...metadata,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  for (const [what, name] of HOSTILE_NAMES) {
    it(`a client_name with ${what} is shown escaped, cleaned and at most ${MAX_SHOWN} characters`, async () => {
      const { status, body } = await register({ client_name: name });
      assert.equal(status, 201, JSON.stringify(body));
      const { login, consent, jar } = await pagesFor(server, body.client_id ?? '');
      assertSafePage(login, 'sign-in page');
      assertSafePage(consent, 'consent page');
      const account = await accountPageAfterConsent(server, jar, consent);
      assertSafePage(account, 'account page');
      assert.ok(account.includes(body.client_id ?? ''), 'the app is listed on the account page');
    });
  }

  it('a long name keeps its beginning and says it was cut short', async () => {
    const { body } = await register({ client_name: `Trusted App ${'A'.repeat(20_000)}` });
    const { consent } = await pagesFor(server, body.client_id ?? '');
    const [shown = ''] = shownNames(consent);
    assert.ok(shown.startsWith('Trusted App AAA'), shown);
    assert.ok(shown.endsWith('…'), shown);
  });

  it('a right-to-left override cannot reverse what the person reads', async () => {
    const { body } = await register({ client_name: 'Good App\u202E moc.live//:sptth' });
    const { consent } = await pagesFor(server, body.client_id ?? '');
    assert.deepEqual(shownNames(consent).slice(0, 1), ['Good App moc.live//:sptth']);
  });

  it('a name of nothing but invisible characters falls back to the client id', async () => {
    const { body } = await register({ client_name: '\u202e\u200b\u0000' });
    const { consent } = await pagesFor(server, body.client_id ?? '');
    assert.deepEqual(shownNames(consent).slice(0, 1), [body.client_id]);
  });

  for (const [field, value] of [
    ['client_uri', 'javascript:alert(document.cookie)'],
    ['logo_uri', 'javascript:alert(document.cookie)'],
    ['client_uri', 'data:text/html,<script>alert(1)</script>'],
  ] as const) {
    it(`a ${field} of ${value.split(',')[0]} is refused at registration or never shown as a link`, async () => {
      const { status, body } = await register({ client_name: 'App', [field]: value });
      if (status !== 201) {
        assert.equal(status, 400);
        assert.equal(body.error, 'invalid_client_metadata');
        return;
      }
      const { login, consent } = await pagesFor(server, body.client_id ?? '');
      assertSafePage(login, 'sign-in page');
      assertSafePage(consent, 'consent page');
    });
  }

  it('an https client_uri is shown as its host only, as text; a logo_uri is never loaded', async () => {
    const { body } = await register({
      client_name: 'App',
      client_uri: 'https://app.example/<b>about</b>?x="1"',
      logo_uri: 'https://tracker.example/pixel.png',
    });
    const { login, consent } = await pagesFor(server, body.client_id ?? '');
    for (const page of [login, consent]) {
      assertSafePage(page, 'page');
      assert.match(page, /app\.example/);
      assert.doesNotMatch(page, /about|tracker\.example/);
    }
  });
});

describe('hostile client names: Client ID Metadata Documents', () => {
  let host: MetadataDocumentHost;
  let server: TestAuthorizationServer;
  before(async () => {
    host = await startMetadataDocumentHost();
    server = await startTestServer(
      { dangerouslyAllowLoopbackClientMetadata: true },
      { clientMetadataCa: host.cert },
    );
  });
  after(async () => {
    await server?.dispose();
    await host?.close();
  });

  for (const [index, [what, name]] of HOSTILE_NAMES.entries()) {
    it(`a document whose client_name has ${what} is shown escaped, cleaned and short`, async () => {
      // A document is at most 5 KiB (cimd-ssrf-and-fetch-limits.test.ts): a long name that fits.
      const clientId = host.publish(`/hostile/${index}.json`, { client_name: name.slice(0, 4000) });
      const { login, consent } = await pagesFor(server, clientId);
      assertSafePage(login, 'sign-in page');
      assertSafePage(consent, 'consent page');
    });
  }

  it('a document with javascript: as client_uri and logo_uri is refused, never shown', async () => {
    const clientId = host.publish('/hostile/uris.json', {
      client_name: 'App',
      client_uri: 'javascript:alert(1)',
      logo_uri: 'javascript:alert(1)',
    });
    const response = await requestAuthorization(server.issuer, clientId, { resource: DEMO_RESOURCE });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.doesNotMatch(await response.text(), /javascript:/i);
  });
});
