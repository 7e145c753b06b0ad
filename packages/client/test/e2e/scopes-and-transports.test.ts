import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SavedTokens } from '../../src/oauth/saved-tokens.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { FETCH_BROWSER, runClient } from '../support/client-process.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  storeSignIn,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

/** The scope the authorization request asked for, as a sorted list (offline_access aside). */
function askedScopes(url: URL | undefined): string[] {
  return (url?.searchParams.get('scope') ?? '')
    .split(' ')
    .filter((scope) => scope && scope !== 'offline_access')
    .sort();
}

/**
 * How the client chooses what to ask for, and which sign-in it uses: per protected resource
 * (RFC 9728 `resource`), on both transports, with the step-up of MCP "Scope Challenge Handling".
 */
describe('mcp-auth-client scopes and transports', () => {
  let home: string;
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startTestResourceServer>>;
  let resource: string;
  let browserLog: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-scopes-'));
    browserLog = join(home, 'browser.log');
    await writeFile(browserLog, '');
    const port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as = await startTestAuthorizationServer([resource]);
    rs = await startTestResourceServer(port, as);
  });
  after(async () => {
    await rs.close();
    await as.close();
    await rm(home, { recursive: true, force: true });
  });

  const env = (store: string) => ({
    XDG_STATE_HOME: join(home, store),
    BROWSER: FETCH_BROWSER,
    TEST_BROWSER_USERNAME: USER.username,
    TEST_BROWSER_PASSWORD: USER.password,
    TEST_BROWSER_LOG: browserLog,
  });
  const browserUrls = async () =>
    (await readFile(browserLog, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => new URL(line));
  const sse = () => ['--url', `${resource}/sse`, '--transport', 'sse', '--callback-port=0'];
  const streamable = () => ['--url', resource, '--callback-port=0'];

  it('/mcp/sse and /mcp publish one protected resource, so one sign-in serves both', async () => {
    const first = await runClient([...sse(), 'list'], env('shared'));
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await browserUrls()).length, 1);
    const second = await runClient([...streamable(), 'list'], env('shared'));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^whoami\b/m);
    assert.equal((await browserUrls()).length, 1, 'no second sign-in for the other URL of the server');
    for (const args of [sse(), streamable()]) {
      const status = await runClient([...args, 'status', '--json'], env('shared'));
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as { resource: string }).resource, resource);
    }
  });

  it('step-up over the deprecated SSE transport: 403 insufficient_scope on the message endpoint → sign-in for held ∪ challenged scopes, saying why first, then the call again', async () => {
    const before = (await browserUrls()).length;
    const result = await runClient([...sse(), 'call', 'server_stats', '{}'], env('shared'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /requestsServed/);
    const urls = await browserUrls();
    assert.equal(urls.length, before + 1, 'one more sign-in, for the wider scope');
    assert.deepEqual(
      askedScopes(urls.at(-1)),
      ['admin', 'user'],
      'what was held, and what the challenge named',
    );
    const why = result.stderr.indexOf(
      '`server_stats` needs the `admin` permission; sign in again to grant it.',
    );
    assert.ok(why >= 0, result.stderr);
    assert.ok(why < result.stderr.lastIndexOf('Sign in at:'), 'the reason comes before the URL');
  });

  it('logout through either URL forgets the shared sign-in', async () => {
    const logout = await runClient([...sse(), 'logout'], env('shared'));
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stdout, /Signed out of/);
    const status = await runClient([...streamable(), 'status'], env('shared'));
    assert.equal(status.code, 3, status.stdout);
    assert.match(status.stdout, /Not signed in/);
  });

  it('--scope is honoured even when the 401 names a scope: the union of both is asked for and granted', async () => {
    const result = await runClient(
      [...streamable(), '--scope', 'admin', 'call', 'whoami', '{}'],
      env('explicit-scope'),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(askedScopes((await browserUrls()).at(-1)), ['admin', 'user']);
    const whoami = JSON.parse(result.stdout.slice(0, result.stdout.lastIndexOf('}') + 1)) as {
      scopes: string[];
    };
    assert.deepEqual([...whoami.scopes].sort(), ['admin', 'user']);
  });

  it('an expired sign-in is asked again for the scopes it held, not all the server offers, saying so before the URL, with no SDK internals', async () => {
    const first = await runClient([...streamable(), 'list'], env('expired'));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(askedScopes((await browserUrls()).at(-1)), ['user']);
    // The access token is about to expire and the AS no longer knows the refresh token.
    const store = new CredentialStore(join(home, 'expired', 'mcp-auth', 'client'));
    const path = store.tokensPath(as.issuer, resource);
    const saved = await store.read<SavedTokens>(path);
    assert.ok(saved?.tokens.refresh_token);
    await store.write(path, {
      ...saved,
      expiresAt: Date.now() - 1000,
      tokens: { ...saved.tokens, refresh_token: 'revoked' },
    });

    const result = await runClient([...streamable(), 'list'], env('expired'));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(askedScopes((await browserUrls()).at(-1)), ['user'], 'what it held: not `admin` too');
    const why = result.stderr.indexOf('Your saved sign-in has expired or was revoked');
    assert.ok(why >= 0, result.stderr);
    assert.ok(why < result.stderr.indexOf('Sign in at:'), 'the reason comes before the URL');
    assert.doesNotMatch(result.stderr, /\[mcp-sdk\]/, 'SDK internals only with --verbose');
  });

  it('a store from before sign-ins were kept per resource (keyed by the URL typed) is still read', async () => {
    const storeDir = join(home, 'old', 'mcp-auth', 'client');
    await storeSignIn(storeDir, as, resource);
    const store = new CredentialStore(storeDir);
    const saved = await store.read<SavedTokens>(store.tokensPath(as.issuer, resource));
    // The old layout: tokens under (issuer, URL typed), a pointer with the issuer only.
    await store.write(store.tokensPath(as.issuer, `${resource}/sse`), saved);
    await store.write(store.serverPath(`${resource}/sse`), { issuer: as.issuer });
    await store.remove(store.tokensPath(as.issuer, resource));
    await store.remove(store.serverPath(resource));
    const before = (await browserUrls()).length;

    const call = await runClient([...sse(), 'call', 'calculator', '{"expression":"6*7"}'], env('old'));
    assert.equal(call.code, 0, call.stderr);
    assert.match(call.stdout, /\b42\b/);
    const status = await runClient([...sse(), 'status'], env('old'));
    assert.equal(status.code, 0, status.stdout);

    // The next refresh learns the resource and moves the tokens under it, for every URL of it.
    const legacyPath = store.tokensPath(as.issuer, `${resource}/sse`);
    const legacy = await store.read<SavedTokens>(legacyPath);
    await store.write(legacyPath, { ...legacy, expiresAt: Date.now() - 1000 });
    const refreshed = await runClient([...sse(), 'list'], env('old'));
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(await store.read(legacyPath), undefined, 'the per-URL copy is gone');
    assert.ok(await store.read(store.tokensPath(as.issuer, resource)), 'kept per resource now');
    const other = await runClient([...streamable(), 'list'], env('old'));
    assert.equal(other.code, 0, other.stderr);
    assert.equal((await browserUrls()).length, before, 'no sign-in needed');
  });
});
