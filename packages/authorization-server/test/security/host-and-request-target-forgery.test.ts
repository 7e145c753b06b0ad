import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sendRawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { SignInForm, THROTTLED, WRONG_PASSWORD } from '../support/sign-in-form.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Host forgery through the request-target: RFC 9112 §3.2.2 makes servers accept absolute-form
 * (`GET http://evil.example/path`), whose authority replaces the Host header. oidc-provider builds
 * every URL of its metadata and redirects from the host it sees; the AS pins that host to the
 * issuer, and that must hold for a host named in the target too.
 */
describe('forged hosts in the request-target', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const get = (target: string, headers: [string, string][] = []) =>
    sendRawRequest(
      {
        method: 'GET',
        target,
        headers: [['Host', `127.0.0.1:${server.port}`], ...headers],
        body: new Uint8Array(),
        framing: 'none',
      },
      { port: server.port, timeoutMs: 10_000 },
    );

  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    it(`absolute-form GET http://evil.example${path} still names only the issuer`, async () => {
      const answer = await get(`http://evil.example${path}`);
      assert.equal(answer.kind, 'response');
      if (answer.kind !== 'response') return;
      assert.equal(answer.status, 200);
      const metadata = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      assert.equal(metadata.issuer, server.issuer);
      for (const [name, value] of Object.entries(metadata)) {
        if (typeof value === 'string' && /^https?:\/\//.test(value)) {
          assert.ok(
            value === server.issuer || value.startsWith(`${server.issuer}/`),
            `${name} points at ${value}`,
          );
        }
      }
    });
  }

  it('a request-target that is no path is 400, and the server keeps answering', async () => {
    for (const target of ['*', 'reg', 'ftp://evil.example/reg']) {
      const answer = await get(target);
      assert.equal(answer.kind === 'response' ? answer.status : answer.kind, 400, target);
    }
    const health = await get('/healthz');
    assert.equal(health.kind === 'response' ? health.status : health.kind, 200);
  });

  it('a path no URL parser makes a path of (a backslash, a fragment) is a 4xx, never a 500', async () => {
    for (const target of ['/\\!@#', '/\\#', '/reg\\#', '/\\?a#b']) {
      const answer = await get(target);
      const status = answer.kind === 'response' ? answer.status : 0;
      assert.ok(status >= 400 && status < 500, `${JSON.stringify(target)} answered ${status || answer.kind}`);
    }
  });
});

describe('endpoint URLs come from the issuer, never from the request', () => {
  it('a forged Host or X-Forwarded-Host does not change the metadata', async () => {
    const server = await startTestServer({ trustProxy: true });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${server.url}/.well-known/oauth-authorization-server`,
          { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } },
          (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      const metadata = JSON.parse(body) as { token_endpoint: string; issuer: string };
      assert.equal(metadata.issuer, server.issuer);
      assert.equal(new URL(metadata.token_endpoint).host, new URL(server.issuer).host);
    } finally {
      await server.dispose();
    }
  });
});

/**
 * Where a redirect goes is decided by the issuer alone: a Host header the attacker chose must not
 * turn the AS's redirects (to the sign-in page, back to the authorization endpoint) into links to
 * another site, where a person would type their password.
 */
describe('redirects are pinned to the issuer', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({ trustProxy: true });
  });
  after(() => server.dispose());

  it('the redirect to the sign-in page names the issuer, whatever Host and X-Forwarded-Host say', async () => {
    const client = await registerPublicClient(server.issuer);
    const url = new URL(`${server.url}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:3030/callback',
      code_challenge: createPkcePair().challenge,
      code_challenge_method: 'S256',
      scope: 'user',
    }).toString();
    const location = await new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
        },
        (res) => {
          res.resume();
          resolve(String(res.headers.location ?? ''));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.match(location, /\/interaction\//);
    const target = new URL(location, server.issuer);
    assert.equal(target.origin, new URL(server.issuer).origin, location);
  });
});

/**
 * Rate limits count per client address. Without `--trust-proxy`, that is the connection's peer:
 * an `X-Forwarded-For` header is whatever the client wrote, and must not give it a fresh budget.
 * With it, the address is the right-most entry (the one the operator's proxy appended): what a
 * client prepends changes nothing either.
 */
describe('forwarded-header forgery against the rate limits', () => {
  const register = (issuer: string, forwardedFor: string) =>
    fetch(`${issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1:3030/callback'],
        token_endpoint_auth_method: 'none',
      }),
    });

  it('without --trust-proxy, a new X-Forwarded-For on every registration does not escape the limit', async () => {
    const server = await startTestServer({
      rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 },
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index++) {
        const response = await register(server.issuer, `203.0.113.${index + 1}`);
        statuses.push(response.status);
        await response.body?.cancel();
      }
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    } finally {
      await server.dispose();
    }
  });

  it('without --trust-proxy, a spoofed X-Forwarded-For does not reset the failed sign-in limit', async () => {
    const server = await startTestServer({
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 3 },
    });
    try {
      const form = await SignInForm.open(server.issuer);
      const statuses: number[] = [];
      for (let index = 0; index < 5; index++) {
        statuses.push((await form.submit(`user-${index}`, 'wrong', `203.0.113.${index + 1}`)).status);
      }
      assert.deepEqual(statuses, [WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD, THROTTLED, THROTTLED]);
    } finally {
      await server.dispose();
    }
  });

  it('with --trust-proxy, entries a client prepends to X-Forwarded-For do not change its address', async () => {
    const server = await startTestServer({
      trustProxy: true,
      rateLimits: { registrationPerMinute: 3, failedSignInsPerMinute: 10 },
    });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 5; index++) {
        const response = await register(server.issuer, `203.0.113.${index + 1}, 198.51.100.9`);
        statuses.push(response.status);
        await response.body?.cancel();
      }
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    } finally {
      await server.dispose();
    }
  });
});
