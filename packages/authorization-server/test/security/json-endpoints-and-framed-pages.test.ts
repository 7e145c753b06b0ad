import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Two answer-shape attacks found by fuzzing:
 * - a program's endpoints (token, introspection, revocation, registration, PAR) answered an HTML
 *   page to a caller whose `Accept` prefers HTML: their errors are JSON whatever `Accept` says
 *   (RFC 6749 §5.2, RFC 7662 §2.3, RFC 7009 §2.2.1, RFC 7591 §3.2.2);
 * - oidc-provider's own HTML (the `form_post` response page, the RP-initiated logout pages) could
 *   be framed: every HTML answer carries a framing policy (RFC 9700 §4.16), and the logout pages,
 *   which MCP does not use, are gone.
 */
describe('answer shapes a browser-facing attacker could abuse', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const HTML_FIRST = 'text/html, application/json;q=0.1';
  const postForm = (path: string, body: string) =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { accept: HTML_FIRST, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  for (const [path, body] of [
    ['/token', 'grant_type=client_credentials'],
    ['/token', 'grant_type=refresh_token&refresh_token=nope&client_id=nobody'],
    ['/token/introspection', 'token=nope'],
    ['/token/revocation', 'token=nope'],
    ['/request', 'client_id=nobody'],
  ] as const) {
    it(`POST ${path} (${body.split('&')[0]}) with Accept preferring HTML gets a JSON error`, async () => {
      const response = await postForm(path, body);
      assert.ok(response.status >= 400 && response.status < 500, String(response.status));
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const answer = (await response.json()) as { error?: unknown };
      assert.equal(typeof answer.error, 'string');
    });
  }

  it('POST /reg with bad metadata and Accept preferring HTML gets a JSON error', async () => {
    const response = await fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { accept: HTML_FIRST, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: 'not a list' }),
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('an authorization error shown as a page to a browser is still a page', async () => {
    const response = await fetch(`${server.issuer}/auth?client_id=nobody&response_type=code`, {
      headers: { accept: 'text/html' },
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  });

  it('the form_post response page cannot be framed', async () => {
    const client = await registerPublicClient(server.issuer);
    const redirectUri = 'http://127.0.0.1:3030/callback';
    // No PKCE challenge: refused, and the error goes back to the client in the mode it asked for.
    const url = new URL(`${server.issuer}/auth`);
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: 'user',
      state: 'xyz',
    })) {
      url.searchParams.set(name, value);
    }
    const response = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' });
    const page = await response.text();
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page, /<form/i, 'a form_post page');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('no RP-initiated logout: neither in the metadata nor at /session/end', async () => {
    const metadata = (await (
      await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    assert.equal(metadata.end_session_endpoint, undefined);
    const response = await fetch(`${server.issuer}/session/end`, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
});
