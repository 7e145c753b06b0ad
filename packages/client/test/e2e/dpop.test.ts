import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import type { SavedTokens } from '../../src/oauth/saved-tokens.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { FETCH_BROWSER, runClient } from '../support/client-process.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

/**
 * RFC 9449 end to end: the AS, an MCP server started with --require-dpop, and the client as a
 * process signing in (a stand-in browser approves) and calling a tool, with no DPoP flag: the
 * server's metadata says bound tokens are required (RFC 9728 §2), the AS lists its DPoP
 * algorithms (RFC 9449 §5.1), so the sign-in binds its tokens to a key of its own.
 */
describe('mcp-auth-client with an MCP server that requires DPoP', () => {
  let home: string;
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startTestResourceServer>>;
  let resource: string;
  let browserLog: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-dpop-'));
    browserLog = join(home, 'browser.log');
    await writeFile(browserLog, '');
    const port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as = await startTestAuthorizationServer([resource]);
    rs = await startTestResourceServer(port, as, { requireDpop: true });
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
  const browserRuns = async () => (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean).length;
  const storeOf = (name: string) => new CredentialStore(join(home, name, 'mcp-auth', 'client'));
  const calculate = (name: string, expression: string) =>
    runClient(['--url', resource, 'call', 'calculator', JSON.stringify({ expression })], env(name));

  it('RFC 9449: signs in without flags, gets DPoP-bound tokens, and calls a tool with proofs', async () => {
    const result = await calculate('auto', '2+3*4');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b14\b/);
    assert.equal(await browserRuns(), 1);

    const store = storeOf('auto');
    const path = store.tokensPath(as.issuer, resource);
    const saved = await store.read<SavedTokens>(path);
    assert.equal(saved?.tokens.token_type?.toLowerCase(), 'dpop');
    assert.ok(saved?.dpopKey?.privateJwk.d, 'the private key is kept with the tokens');
    assert.equal((await stat(path)).mode & 0o777, 0o600, 'owner-only, like the tokens');
  });

  it('RFC 9449 §5: the stored key signs later runs and the refresh of the bound refresh token', async () => {
    const again = await calculate('auto', '1+1');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\b2\b/);

    // The access token is about to expire: the next run refreshes, signed by the same key.
    const store = storeOf('auto');
    const path = store.tokensPath(as.issuer, resource);
    const before = await store.read<SavedTokens>(path);
    assert.ok(before?.dpopKey);
    await store.write(path, { ...before, expiresAt: Date.now() - 1000 });
    const refreshed = await calculate('auto', '3*3');
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.match(refreshed.stdout, /\b9\b/);
    assert.equal(await browserRuns(), 1, 'refreshed, not signed in again');
    const after = await store.read<SavedTokens>(path);
    assert.notEqual(after?.tokens.access_token, before.tokens.access_token, 'a new access token');
    assert.equal(after?.tokens.token_type?.toLowerCase(), 'dpop');
    const { d: _, ...publicBefore } = before.dpopKey.privateJwk;
    const { d: __, ...publicAfter } = after?.dpopKey?.privateJwk ?? {};
    assert.equal(await calculateJwkThumbprint(publicAfter), await calculateJwkThumbprint(publicBefore));
  });

  it('--no-dpop: the sign-in gets a Bearer token, which the server refuses with a clear error', async () => {
    const result = await runClient(
      ['--url', resource, '--no-dpop', 'call', 'calculator', '{"expression":"1+1"}'],
      env('never'),
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /still refuses this client .*accepts only DPoP-bound access tokens/);
    const saved = await storeOf('never').read<SavedTokens>(storeOf('never').tokensPath(as.issuer, resource));
    assert.equal(saved?.tokens.token_type?.toLowerCase(), 'bearer');
    assert.equal(saved?.dpopKey, undefined);
  });
});
