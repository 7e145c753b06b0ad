import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authorize, type RegisteredClient, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { runClientsCommand } from '../../src/commands/clients-command.ts';
import { requestAuthorization } from '../support/authorization-request.ts';
import { type MetadataDocumentHost, startMetadataDocumentHost } from '../support/metadata-document-host.ts';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * OAuth 2.1 §2.3.1 and RFC 8252 §8.4: a redirect URI is `https`, loopback `http` (any port, RFC
 * 8252 §7.3), or a private-use scheme named after a domain the app owns (RFC 8252 §7.1). Plain
 * http to another host lets anyone on the path read the authorization code; `javascript:` and
 * `data:` run in the browser; fragments and userinfo are not part of a valid redirect URI
 * (RFC 6749 §3.1.2) and userinfo is a classic way to make one host look like another.
 */
const REFUSED = [
  'http://evil.example/callback',
  'http://evil.example:80/callback',
  'http://EVIL.example/callback',
  'http://localhost.evil.example/callback',
  'http://127.0.0.1.nip.io/callback',
  'http://127.0.0.2/callback',
  'http://0.0.0.0/callback',
  'http://127.0.0.1@evil.example/callback',
  'https://user:password@app.example/callback',
  'https://app.example@evil.example/callback',
  'https://app.example/callback#fragment',
  'https://app.example/callback#',
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)//',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'myapp:/callback',
  'com.example.app:/callback#fragment',
  'ftp://app.example/callback',
  'not a uri',
];

const ACCEPTED = [
  'https://app.example/callback',
  'https://app.example:8443/callback?x=1',
  'http://127.0.0.1/callback',
  'http://127.0.0.1:49152/callback',
  'http://[::1]:3030/callback',
  'http://localhost:3030/callback',
];

describe('redirect URI tricks: dynamic registration', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 10 },
    });
  });
  after(() => server?.dispose());

  const register = (redirectUri: string, metadata: Record<string, unknown> = {}) =>
    fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'x',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
        ...metadata,
      }),
    });

  for (const applicationType of ['web', 'native']) {
    for (const redirectUri of REFUSED) {
      it(`${applicationType}: ${redirectUri} is refused with invalid_redirect_uri and a description`, async () => {
        const response = await register(redirectUri, { application_type: applicationType });
        assert.equal(response.status, 400);
        const body = (await response.json()) as { error: string; error_description?: string };
        assert.equal(body.error, 'invalid_redirect_uri');
        assert.match(body.error_description ?? '', /^redirect_uris\b/);
      });
    }
  }

  for (const redirectUri of ACCEPTED) {
    it(`${redirectUri} is accepted`, async () => {
      const response = await register(redirectUri, { application_type: 'native' });
      assert.equal(response.status, 201, await response.clone().text());
    });
  }

  it('a native app’s private-use scheme named after its domain (RFC 8252 §7.1) is accepted', async () => {
    const response = await register('com.example.app:/oauth2redirect', { application_type: 'native' });
    assert.equal(response.status, 201, await response.clone().text());
  });

  it('the description names the rule, so the developer knows what to change', async () => {
    const response = await register('http://evil.example/callback');
    const body = (await response.json()) as { error_description: string };
    assert.match(body.error_description, /https/);
    assert.match(body.error_description, /loopback/);
    assert.match(body.error_description, /http:\/\/evil\.example\/callback/);
  });
});

describe('redirect URI tricks: Client ID Metadata Documents', () => {
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

  for (const [index, redirectUri] of [
    'http://evil.example/callback',
    'https://user@app.example/cb',
  ].entries()) {
    it(`a document listing ${redirectUri} is refused, never redirected to`, async () => {
      const clientId = host.publish(`/tricks/${index}.json`, { redirect_uris: [redirectUri] });
      const { challenge } = createPkcePair();
      const url = new URL(`${server.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'user',
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
      assert.match(await response.text(), /invalid_redirect_uri/);
    });
  }
});

describe('redirect URI tricks: mcp-auth-as clients add --redirect-uri', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-redirect-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const io = {
    stdout: { write: () => true },
    stderr: { write: () => true },
  } as unknown as Parameters<typeof runClientsCommand>[2];

  for (const redirectUri of [
    'http://evil.example/callback',
    'javascript:alert(1)',
    'https://app.example/cb#x',
  ]) {
    it(`${redirectUri} is refused with a message naming the rule`, async () => {
      await assert.rejects(
        runClientsCommand(
          [
            'add',
            '--name=App',
            `--redirect-uri=${redirectUri}`,
            '--auth-method=none',
            `--data-dir=${dataDir}`,
          ],
          {},
          io,
        ),
        (error: Error) => /redirect/.test(error.message) && error.message.includes(redirectUri),
      );
    });
  }

  it('https and loopback redirect URIs are accepted', async () => {
    const code = await runClientsCommand(
      [
        'add',
        '--name=App',
        '--redirect-uri=https://app.example/cb',
        '--redirect-uri=http://127.0.0.1/cb',
        '--auth-method=none',
        `--data-dir=${dataDir}`,
      ],
      {},
      io,
    );
    assert.equal(code, 0);
  });
});

/**
 * At the authorization endpoint: the redirect URI must be one the client registered (OAuth 2.1
 * §4.1.1; RFC 8252 §7.3 lets only a loopback URI's port vary), and when it is not, nothing is
 * sent there, not even an error (RFC 6749 §4.1.2.1: "MUST NOT automatically redirect"), or the AS
 * would be an open redirector any attacker could put in a phishing link.
 */
describe('redirect URI tricks: the authorization endpoint', () => {
  let server: TestAuthorizationServer;
  let client: RegisteredClient;
  before(async () => {
    server = await startTestServer();
    client = await registerPublicClient(server.issuer);
  });
  after(() => server?.dispose());

  it('OAuth 2.1 §4.1.1: a redirect URI that differs from the registered one is never redirected to', async () => {
    const url = new URL(`${server.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'https://evil.example/callback',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      scope: 'user',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  });

  it('RFC 8252 §7.3: a loopback redirect URI matches on any port', async () => {
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEMO_RESOURCE,
      username: TEST_USER.username,
      password: TEST_USER.password,
      redirectUri: 'http://127.0.0.1:49152/callback',
    });
    assert.ok(outcome.redirect.searchParams.get('code'));
    assert.equal(outcome.redirect.port, '49152');
  });

  it('RFC 8252 §7.3: loopback port freedom does not extend to another host or path', async () => {
    for (const redirectUri of ['http://localhost:3030/callback', 'http://127.0.0.1:3030/other']) {
      const url = new URL(`${server.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: redirectUri,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 400, redirectUri);
      assert.equal(response.headers.get('location'), null);
    }
  });

  const UNREGISTERED = [
    'https://evil.example/callback',
    'http://127.0.0.1:3030/callback/../../evil',
    'http://127.0.0.1:3030/callback?next=https://evil.example',
    'http://127.0.0.1:3030/callback/',
    'http://127.0.0.1:3030/CALLBACK',
    'http://127.0.0.1.evil.example:3030/callback',
    'http://[::1]:3030/callback',
    'HTTP://127.0.0.1:3030/callback#',
  ];

  for (const redirectUri of UNREGISTERED) {
    it(`RFC 6749 §4.1.2.1: an error for the unregistered ${redirectUri} is shown, never redirected`, async () => {
      // Each request is wrong twice: an unregistered redirect URI, and no PKCE (or a bad scope),
      // which would be redirected as an error to a registered one.
      for (const params of [{ code_challenge: undefined }, { scope: 'no-such-scope' }, {}]) {
        const response = await requestAuthorization(server.issuer, client.client_id, {
          redirect_uri: redirectUri,
          ...params,
        });
        assert.equal(response.status, 400, `${redirectUri} ${JSON.stringify(params)}`);
        assert.equal(response.headers.get('location'), null);
        const page = await response.text();
        assert.doesNotMatch(page, /evil\.example/, 'the page does not link to it either');
      }
    });
  }
});
