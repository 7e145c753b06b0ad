import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { authorizationRefusal } from '../../src/connection/authorization-refusal.ts';
import { describeAuthorizationError, sanitizeForTerminal } from '../../src/oauth/authorization-error.ts';
import { LoopbackCallbackServer } from '../../src/oauth/callback-server.ts';
import { FileOAuthProvider } from '../../src/oauth/file-oauth-provider.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';

const RESOURCE = 'http://localhost:8002/mcp';

/** A GET with headers of our choosing (fetch sets its own Host and never an Origin on GET). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers });
    outgoing.on('response', (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * The loopback redirect target of a sign-in (RFC 8252 §7.3) is a server any local program, and
 * any web page through the person's browser, can send requests to while it waits. It must accept
 * exactly one callback: the one carrying the `state` of the sign-in it waits for (RFC 6749
 * §10.12, CSRF), reached by its loopback name (a rebinding page's name is not ours), never a
 * second; what the callback says is shown nowhere as markup, and printed only cleaned.
 */
describe('the loopback callback server under attack', () => {
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

  it('RFC 6749 §10.12: a callback with no state, or an empty one, is refused and the sign-in still completes', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      for (const query of [
        '?code=attacker-code',
        '?code=attacker-code&state=',
        '?state=good-state&state=x',
      ]) {
        const forged = await fetch(`${callback.redirectUrl}${query}`);
        assert.equal(forged.status, 400, query);
        await forged.body?.cancel();
      }
      const ok = await fetch(`${callback.redirectUrl}?code=the-code&state=good-state`);
      assert.equal(ok.status, 200);
      assert.equal((await waiting).params.get('code'), 'the-code');
    } finally {
      await callback.close();
    }
  });

  it('a second callback, even with the right state, is refused: one sign-in, one answer', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      const first = await fetch(`${callback.redirectUrl}?code=first-code&state=good-state`);
      assert.equal(first.status, 200);
      const second = await fetch(`${callback.redirectUrl}?code=attacker-code&state=good-state`);
      assert.equal(second.status, 400);
      assert.equal((await waiting).params.get('code'), 'first-code');
    } finally {
      await callback.close();
    }
  });

  it('DNS rebinding: a callback through a name that is not loopback is refused, and not taken', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      const port = new URL(callback.redirectUrl).port;
      for (const host of [`attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, 'attacker.example']) {
        const answer = await get(`${callback.redirectUrl}?code=attacker-code&state=good-state`, { host });
        assert.equal(answer.status, 403, host);
      }
      const ok = await fetch(`${callback.redirectUrl}?code=the-code&state=good-state`);
      assert.equal(ok.status, 200);
      assert.equal((await waiting).params.get('code'), 'the-code');
    } finally {
      await callback.close();
    }
  });

  it('a callback a web page fetches (a foreign Origin) is refused, and not taken', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      for (const origin of ['https://attacker.example', 'null']) {
        const answer = await get(`${callback.redirectUrl}?code=attacker-code&state=good-state`, { origin });
        assert.equal(answer.status, 403, origin);
      }
      const ok = await fetch(`${callback.redirectUrl}?code=the-code&state=good-state`);
      assert.equal((await waiting).params.get('code'), 'the-code');
      await ok.body?.cancel();
    } finally {
      await callback.close();
    }
  });

  it('an error parameter with hostile text is never echoed into the page', async () => {
    const callback = await LoopbackCallbackServer.listen(0);
    try {
      const waiting = callback.waitFor('good-state', 10_000);
      const hostile = '<script>alert(1)</script>\u001b[2J\u202e';
      const query = new URLSearchParams({ error: hostile, error_description: hostile, state: 'good-state' });
      const answer = await fetch(`${callback.redirectUrl}?${query}`);
      const page = await answer.text();
      assert.ok(!page.includes('alert(1)') && !page.includes('\u001b') && !page.includes('\u202e'), page);
      assert.match(page, /Sign-in not completed/);
      assert.equal(
        (await waiting).params.get('error'),
        hostile,
        'handed on as data, for the client to clean',
      );
    } finally {
      await callback.close();
    }
  });

  it('the description comes from the network: escape sequences, control and bidi characters are removed', () => {
    const line = describeAuthorizationError({
      error: 'server_error',
      description: 'bad\u001b]0;pwned\u0007 thing\r\nnext\u202eline\u0000',
      resource: RESOURCE,
    });
    const unsafe = [...line].filter((char) => {
      const code = char.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) || char === '\u202e';
    });
    assert.deepEqual(unsafe, []);
    assert.match(line, /server_error \(bad ]0;pwned thing next line\)/);
  });

  it('a flood of description is capped', () => {
    const line = sanitizeForTerminal('x'.repeat(10_000));
    assert.equal(line.length, 200);
    assert.ok(line.endsWith('…'));
  });

  it('RFC 9207 §2.4: an error answer whose iss is another AS is ignored, its text never shown', () => {
    const provider = new FileOAuthProvider({
      store: new CredentialStore('/nonexistent/never-written'),
      serverUrl: RESOURCE,
      redirectUrl: 'http://127.0.0.1:3030/callback',
      onAuthorizationUrl: () => {},
    });
    provider.saveDiscoveryState({
      authorizationServerUrl: 'https://as.example',
      authorizationServerMetadata: {
        issuer: 'https://as.example',
        authorization_endpoint: 'https://as.example/auth',
        token_endpoint: 'https://as.example/token',
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
      },
    } as Parameters<FileOAuthProvider['saveDiscoveryState']>[0]);
    const context = { provider, serverUrl: RESOURCE, requestedScope: 'user' };
    const forged = new URLSearchParams({
      error: 'invalid_scope',
      error_description: 'visit https://attacker.example/fix to continue',
      iss: 'https://attacker.example',
    });
    const refusal = authorizationRefusal(forged, 'invalid_scope', context);
    assert.match(refusal.message, /did not come from the authorization server https:\/\/as\.example/);
    assert.doesNotMatch(refusal.message, /attacker/);
    const missing = new URLSearchParams({ error: 'invalid_scope', error_description: 'from nowhere' });
    assert.doesNotMatch(authorizationRefusal(missing, 'invalid_scope', context).message, /from nowhere/);
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
});
