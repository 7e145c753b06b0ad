import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { formAction, hiddenValue, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { requestAuthorization } from '../support/authorization-request.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Clickjacking (RFC 6819 §4.4.1.9, RFC 9700 §4.16): a page elsewhere that frames the consent page
 * under a decoy can make a person click "Allow". Every HTML answer of the AS forbids framing twice
 * (`frame-ancestors 'none'` for today's browsers, `X-Frame-Options: DENY` for older ones). The
 * interaction and session cookies are out of reach of scripts (`HttpOnly`), not sent on cross-site
 * posts (`SameSite=Lax`), and on an https issuer never sent over plain http (`Secure`).
 */
function assertUnframeable(response: Response, what: string): void {
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/, `${what}: a page`);
  assert.equal(response.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.match(
    response.headers.get('content-security-policy') ?? '',
    /frame-ancestors 'none'/,
    `${what}: CSP frame-ancestors`,
  );
}

/** Every Set-Cookie of an answer, by cookie name, with its attributes lower-cased. */
function cookiesOf(response: Response): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    cookies.set(
      pair.slice(0, pair.indexOf('=')),
      attributes.map((attribute) => attribute.toLowerCase()),
    );
  }
  return cookies;
}

/**
 * Walks a sign-in like a browser, handing every answer to `seen`; ends at the redirect to the
 * client. Requests go to where the server listens; URLs naming the issuer are sent there too (an
 * https issuer is a TLS proxy's name, which `headers` then play).
 */
async function walkSignIn(
  server: TestAuthorizationServer,
  clientId: string,
  seen: (label: string, response: Response) => void,
  headers: Record<string, string> = {},
): Promise<void> {
  const issuerOrigin = new URL(server.issuer).origin;
  const local = (location: string) => {
    const url = new URL(location, server.url);
    return url.origin === issuerOrigin ? new URL(`${url.pathname}${url.search}`, server.url) : url;
  };
  const jar = new CookieJar();
  let response = await requestAuthorization(server.url, clientId, { resource: DEMO_RESOURCE }, headers);
  for (let step = 0; step < 12; step++) {
    jar.store(response);
    const location = response.headers.get('location');
    if (location?.startsWith('http://127.0.0.1:3030/')) return;
    if (location) {
      seen(`redirect ${step}`, response);
      response = await fetch(local(location), {
        headers: { ...headers, cookie: jar.header() },
        redirect: 'manual',
      });
      continue;
    }
    const page = await response.clone().text();
    const action = formAction(page, /\/(login|confirm)$/);
    seen(action.endsWith('/login') ? 'sign-in page' : 'consent page', response);
    response = await fetch(local(action), {
      method: 'POST',
      headers: {
        ...headers,
        cookie: jar.header(),
        origin: issuerOrigin,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        csrf: hiddenValue(page, 'csrf'),
        ...(action.endsWith('/login') ? { username: TEST_USER.username, password: TEST_USER.password } : {}),
      }),
      redirect: 'manual',
    });
  }
  throw new Error(`the sign-in did not reach the client: ${response.status}`);
}

describe('clickjacking: every page of the AS refuses to be framed', () => {
  let server: TestAuthorizationServer;
  let clientId: string;
  before(async () => {
    server = await startTestServer();
    clientId = (await registerPublicClient(server.issuer, { application_type: 'web' })).client_id;
  });
  after(() => server.dispose());

  it('RFC 9700 §4.16: the sign-in and consent pages forbid framing', async () => {
    const pages: string[] = [];
    await walkSignIn(server, clientId, (label, response) => {
      if (!label.endsWith('page')) return;
      pages.push(label);
      assertUnframeable(response, label);
    });
    assert.deepEqual(pages, ['sign-in page', 'consent page']);
  });

  it('RFC 9700 §4.16: error pages forbid framing: ours, and those oidc-provider renders', async () => {
    for (const [what, url] of [
      ['an interaction that does not exist', `${server.issuer}/interaction/no-such-interaction`],
      ['an authorization request with no client', `${server.issuer}/auth?response_type=code`],
      [
        'an authorization request with an unregistered redirect URI',
        `${server.issuer}/auth?response_type=code&client_id=${clientId}&redirect_uri=https%3A%2F%2Fevil.example%2F`,
      ],
    ] as const) {
      const response = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' });
      assert.ok(response.status >= 400 && response.status < 500, `${what}: ${response.status}`);
      assertUnframeable(response, what);
      await response.body?.cancel();
    }
  });

  it('the pages allow no script at all, so an injected one could not run either', async () => {
    await walkSignIn(server, clientId, (label, response) => {
      if (!label.endsWith('page')) return;
      const policy = response.headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'none'/, label);
      assert.doesNotMatch(policy, /script-src/, `${label}: no script source is allowed`);
    });
  });
});

describe('cookies: HttpOnly and SameSite=Lax everywhere, Secure on an https issuer', () => {
  const observe = async (server: TestAuthorizationServer, headers: Record<string, string> = {}) => {
    const clientId = (await registerPublicClient(server.url, { application_type: 'web' })).client_id;
    const cookies = new Map<string, string[]>();
    await walkSignIn(
      server,
      clientId,
      (_label, response) => {
        for (const [name, attributes] of cookiesOf(response)) cookies.set(name, attributes);
      },
      headers,
    );
    assert.ok(cookies.size >= 2, `the sign-in set its cookies: ${[...cookies.keys()].join(', ')}`);
    return cookies;
  };

  it('on a loopback http issuer: every cookie HttpOnly, SameSite=Lax', async () => {
    const server = await startTestServer();
    try {
      for (const [name, attributes] of await observe(server)) {
        assert.ok(attributes.includes('httponly'), `${name}: HttpOnly`);
        assert.ok(attributes.includes('samesite=lax'), `${name}: SameSite=Lax`);
      }
    } finally {
      await server.dispose();
    }
  });

  it('on an https issuer (behind a TLS proxy): every cookie also Secure', async () => {
    const server = await startTestServer({ issuer: 'https://as.example', trustProxy: true });
    try {
      const cookies = await observe(server, { 'x-forwarded-proto': 'https' });
      for (const [name, attributes] of cookies) {
        assert.ok(attributes.includes('secure'), `${name}: Secure`);
        assert.ok(attributes.includes('httponly'), `${name}: HttpOnly`);
        assert.ok(attributes.includes('samesite=lax'), `${name}: SameSite=Lax`);
      }
    } finally {
      await server.dispose();
    }
  });
});
