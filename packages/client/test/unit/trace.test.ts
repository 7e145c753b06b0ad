import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopbackCallbackServer } from '../../src/oauth/callback-server.ts';
import { jsonLine } from '../../src/trace/render-json.ts';
import { renderTextStep } from '../../src/trace/render-text.ts';
import {
  redactHeaders,
  redactJson,
  redactParameters,
  redactUrl,
  shortenSecret,
} from '../../src/trace/secrets.ts';
import { Tracer, traceUsesColor } from '../../src/trace/tracer.ts';

const TOKEN = 'SsSfp9RA1tlRJM1IXv3jUbNrkGL66FjlCRf6Iw2pk2m';
const SECRET = 'client-secret-0123456789abcdef';

/** The characters of `text` a terminal could act on: C0 (but newline), DEL, C1, bidi overrides. */
function unsafeCharacters(text: string): string {
  return [...text]
    .filter((character) => {
      const code = character.charCodeAt(0);
      return (
        (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e)
      );
    })
    .join('');
}

/** A tracer writing to an array, for a server at http://mcp.test/mcp. */
function tracerInto(format: 'text' | 'json', color = false): { tracer: Tracer; written: string[] } {
  const written: string[] = [];
  const tracer = new Tracer({
    format,
    write: (text) => written.push(text),
    color,
    serverUrl: 'http://mcp.test/mcp',
    registration: {},
  });
  return { tracer, written };
}

describe('--trace never shows a secret whole', () => {
  it('a secret is its first 6 characters and its length; a short one only its length', () => {
    assert.equal(shortenSecret(TOKEN), `SsSfp9…(${TOKEN.length} chars)`);
    assert.equal(shortenSecret('hunter2hunte'), '…(12 chars)');
    assert.equal(shortenSecret('short'), '…(5 chars)');
  });

  it('Authorization (Bearer, Basic, DPoP), DPoP proofs, cookies and session ids are shortened; other headers are not shown', () => {
    const basic = Buffer.from(`client:${SECRET}`).toString('base64');
    const shown = redactHeaders(
      new Headers({
        authorization: `Bearer ${TOKEN}`,
        dpop: `eyJhbGciOiJFUzI1NiJ9.${TOKEN}.${TOKEN}`,
        cookie: `_session=${TOKEN}; _interaction=${SECRET}`,
        'mcp-session-id': TOKEN,
        'x-api-key': SECRET,
        'www-authenticate': 'Bearer error="invalid_token"',
      }),
    );
    assert.equal(shown?.authorization, `Bearer SsSfp9…(${TOKEN.length} chars)`);
    assert.equal(shown?.['www-authenticate'], 'Bearer error="invalid_token"');
    assert.equal(shown?.['x-api-key'], undefined, 'only the headers that teach are shown');
    assert.ok(!JSON.stringify(shown).includes(TOKEN));
    assert.ok(!JSON.stringify(shown).includes(SECRET));
    const viaBasic = redactHeaders(new Headers({ authorization: `Basic ${basic}` }));
    assert.match(viaBasic?.authorization ?? '', /^Basic .{6}…\(\d+ chars\)$/);
    const setCookie = new Headers();
    setCookie.append('set-cookie', `_session=${TOKEN}; path=/; httponly`);
    assert.equal(redactHeaders(setCookie)?.['set-cookie'], `_session=SsSfp9…(${TOKEN.length} chars)`);
  });

  it('form, query and JSON secrets are shortened (RFC 6749 and 7636 parameters, RFC 7591 answers), nested too', () => {
    const form = redactParameters(
      new URLSearchParams({
        grant_type: 'authorization_code',
        code: TOKEN,
        code_verifier: TOKEN,
        client_secret: SECRET,
        refresh_token: TOKEN,
        password: SECRET,
        redirect_uri: 'http://127.0.0.1:3030/callback',
      }),
    );
    assert.equal(form.grant_type, 'authorization_code');
    assert.equal(form.redirect_uri, 'http://127.0.0.1:3030/callback');
    const json = redactJson({
      client_id: 'public-id',
      client_secret: SECRET,
      registration_access_token: TOKEN,
      nested: [{ access_token: TOKEN, id_token: TOKEN, expires_in: 600 }],
    }) as { client_id: string; nested: Array<{ expires_in: number }> };
    assert.equal(json.client_id, 'public-id');
    assert.equal(json.nested[0]?.expires_in, 600);
    const url = redactUrl(new URL(`http://127.0.0.1:3030/callback?code=${TOKEN}&state=${TOKEN}&iss=x`));
    assert.equal(url, `http://127.0.0.1:3030/callback?code=SsSfp9…(43 chars)&state=SsSfp9…(43 chars)&iss=x`);
    for (const shown of [JSON.stringify(form), JSON.stringify(json), url]) {
      assert.ok(!shown.includes(TOKEN) && !shown.includes(SECRET), shown);
    }
  });

  it('an exchange through the traced fetch shows the shortened token, never the token', async () => {
    const { tracer, written } = tracerInto('text');
    const fetch = tracer.observeFetch(async () =>
      Response.json({ access_token: TOKEN, refresh_token: TOKEN, token_type: 'Bearer', expires_in: 60 }),
    );
    await fetch('http://as.test/token', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`id:${SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: TOKEN }),
    });
    const output = written.join('');
    assert.match(output, /^\[1\] Refresh: a new access token/m);
    assert.ok(output.includes('SsSfp9…(43 chars)'));
    assert.ok(!output.includes(TOKEN) && !output.includes(SECRET), output);
  });
});

describe('--trace output is safe and plain where it must be', () => {
  const hostile = '\u001b]0;owned\u0007\u001b[2J\u202eevil\u009b31m';

  it('what a server sends cannot move the cursor or recolour the terminal: control characters and bidi overrides are removed', async () => {
    const { tracer, written } = tracerInto('text');
    // Header values are bytes (no bidi there); JSON bodies carry any character.
    const inHeader = '\u001b]0;owned\u0007\u001b[2J\u009b31m';
    const fetch = tracer.observeFetch(async (url) =>
      String(url).includes('/.well-known/')
        ? Response.json({ resource: hostile, authorization_servers: [hostile], scopes_supported: [hostile] })
        : new Response(null, {
            status: 401,
            headers: { 'www-authenticate': `Bearer scope="${inHeader}", error_description="${inHeader}"` },
          }),
    );
    await fetch('http://mcp.test/mcp', {
      method: 'POST',
      body: '{"jsonrpc":"2.0","id":1,"method":"initialize"}',
    });
    await fetch('http://mcp.test/.well-known/oauth-protected-resource/mcp');
    const output = written.join('');
    assert.match(output, /401, the server asks for one/);
    assert.match(output, /Protected resource metadata/);
    assert.equal(unsafeCharacters(output), '');
  });

  it('--trace=json escapes C1 controls and bidi overrides too, and each line still parses to the same text', () => {
    const line = jsonLine({ message: hostile });
    assert.equal(unsafeCharacters(line.trimEnd()), '');
    assert.deepEqual(JSON.parse(line), { message: hostile });
  });

  it('colours only on a terminal, and never with NO_COLOR (no-color.org)', () => {
    assert.equal(traceUsesColor({ isTTY: true }, {}), true);
    assert.equal(traceUsesColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(traceUsesColor({ isTTY: false }, {}), false);
    assert.equal(traceUsesColor({}, {}), false);
    const step = { seq: 1, step: 'http' as const, title: 'HTTP exchange', spec: ['RFC 9110'], notes: ['n'] };
    assert.ok(renderTextStep(step, true).includes('\u001b['));
    assert.ok(!renderTextStep(step, false).includes('\u001b'));
  });

  it('a request that gets no answer is a step with its reason, and the error still reaches the caller', async () => {
    const { tracer, written } = tracerInto('text');
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const fetch = tracer.observeFetch(async () => {
      throw refused;
    });
    await assert.rejects(fetch('http://as.test/.well-known/oauth-authorization-server'), refused);
    assert.match(
      written.join(''),
      /^\[1\] Authorization server metadata[\s\S]*✗ no answer: connection refused/m,
    );
  });

  it('a trace that cannot be written (stderr closed) does not break the request it describes', async () => {
    const tracer = new Tracer({
      format: 'text',
      write: () => {
        throw new Error('EPIPE');
      },
      color: false,
      serverUrl: 'http://mcp.test/mcp',
      registration: {},
    });
    const fetch = tracer.observeFetch(async () => Response.json({ resource: 'http://mcp.test/mcp' }));
    const response = await fetch('http://mcp.test/.well-known/oauth-protected-resource/mcp');
    assert.equal(response.status, 200);
    assert.deepEqual(
      await response.json(),
      { resource: 'http://mcp.test/mcp' },
      'the SDK still reads the whole body',
    );
  });
});

describe('the loopback callback tells --trace what arrived', () => {
  it('its URL, and whether its state was the one awaited (RFC 6749 §10.12): a stray one is refused, ours accepted', async () => {
    const seen: Array<[string, boolean]> = [];
    const callback = await LoopbackCallbackServer.listen(0, '/callback', (url, accepted) =>
      seen.push([url.href, accepted]),
    );
    try {
      const answer = callback.waitFor('expected-state', 10_000);
      const stray = await fetch(`${callback.redirectUrl}?code=c1&state=other`);
      assert.equal(stray.status, 400);
      await fetch(`${callback.redirectUrl}?code=c2&state=expected-state&iss=http%3A%2F%2Fas.test`);
      await answer;
      assert.deepEqual(seen, [
        [`${callback.redirectUrl}?code=c1&state=other`, false],
        [`${callback.redirectUrl}?code=c2&state=expected-state&iss=http%3A%2F%2Fas.test`, true],
      ]);
    } finally {
      await callback.close();
    }
  });
});
