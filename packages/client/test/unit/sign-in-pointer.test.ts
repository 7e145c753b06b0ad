import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileOAuthProvider } from '../../src/oauth/file-oauth-provider.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { findSignInPointer, resourceCovers } from '../../src/store/sign-in-pointer.ts';

const ISSUER = 'https://as.example';
const RESOURCE = 'https://rs.example/mcp';
const TOKENS = { access_token: 'at', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt' };

function providerFor(store: CredentialStore, serverUrl: string): FileOAuthProvider {
  return new FileOAuthProvider({
    store,
    serverUrl,
    redirectUrl: 'http://127.0.0.1/callback',
    onAuthorizationUrl: () => {},
  });
}

describe('sign-ins kept per protected resource (RFC 9728 resource)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-pointer-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a resource covers URLs of its origin at or below its path, nothing else', () => {
    assert.equal(resourceCovers(RESOURCE, `${RESOURCE}/sse`), true);
    assert.equal(resourceCovers(RESOURCE, RESOURCE), true);
    assert.equal(resourceCovers('https://rs.example/', `${RESOURCE}/sse`), true);
    assert.equal(resourceCovers(RESOURCE, 'https://rs.example/mcpx'), false, 'a path segment, not a prefix');
    assert.equal(resourceCovers(RESOURCE, 'https://rs.example/other'), false);
    assert.equal(resourceCovers(RESOURCE, 'https://evil.example/mcp/sse'), false);
    assert.equal(
      resourceCovers(RESOURCE, 'http://rs.example/mcp/sse'),
      false,
      'the scheme is part of the origin',
    );
  });

  it('tokens saved through one URL of a resource are found through another (…/mcp/sse, …/mcp)', async () => {
    const store = new CredentialStore(join(dir, 'shared'));
    const viaSse = providerFor(store, `${RESOURCE}/sse`);
    viaSse.useSignIn({ issuer: ISSUER, resource: RESOURCE });
    await viaSse.saveTokens(TOKENS, { issuer: ISSUER });
    assert.equal((await providerFor(store, RESOURCE).tokens())?.access_token, 'at');
    assert.equal((await providerFor(store, `${RESOURCE}/sse`).tokens())?.access_token, 'at');
    assert.equal(await providerFor(store, 'https://rs.example/other').tokens(), undefined);
    assert.equal(await providerFor(store, 'https://rs.example.evil/mcp').tokens(), undefined);
  });

  it('a URL below a resource finds its sign-in before it was ever used (status, logout)', async () => {
    const store = new CredentialStore(join(dir, 'below'));
    const direct = providerFor(store, RESOURCE);
    direct.useSignIn({ issuer: ISSUER, resource: RESOURCE });
    await direct.saveTokens(TOKENS, { issuer: ISSUER });
    assert.deepEqual(await findSignInPointer(store, `${RESOURCE}/sse`), {
      issuer: ISSUER,
      resource: RESOURCE,
    });
    const saved = await providerFor(store, `${RESOURCE}/sse`).forgetTokens();
    assert.equal(saved?.tokens.access_token, 'at');
    assert.equal(await providerFor(store, RESOURCE).tokens(), undefined, 'logout through either URL');
  });

  it('an old store (tokens per URL typed, pointer without resource) is read, and moved under the resource on the next save', async () => {
    const store = new CredentialStore(join(dir, 'old'));
    const typed = `${RESOURCE}/sse`;
    await store.write(store.tokensPath(ISSUER, typed), {
      issuer: ISSUER,
      tokens: TOKENS,
      savedAt: Date.now(),
    });
    await store.write(store.serverPath(typed), { issuer: ISSUER });
    const provider = providerFor(store, typed);
    assert.equal((await provider.tokens())?.access_token, 'at', 'read as it was written');
    // Discovery names the resource: the old copy is still found under its old key...
    provider.useSignIn({ issuer: ISSUER, resource: RESOURCE });
    assert.equal((await provider.tokens({ issuer: ISSUER }))?.refresh_token, 'rt');
    // ...and a refresh saves under the resource, replacing it.
    await provider.saveTokens({ ...TOKENS, access_token: 'at2' }, { issuer: ISSUER });
    assert.equal(await store.read(store.tokensPath(ISSUER, typed)), undefined);
    assert.equal((await providerFor(store, RESOURCE).tokens())?.access_token, 'at2');
  });

  it('another AS sees none of the tokens of a resource (credentials are bound to their AS)', async () => {
    const store = new CredentialStore(join(dir, 'other-as'));
    const provider = providerFor(store, RESOURCE);
    provider.useSignIn({ issuer: ISSUER, resource: RESOURCE });
    await provider.saveTokens(TOKENS, { issuer: ISSUER });
    provider.useSignIn({ issuer: 'https://new-as.example', resource: RESOURCE });
    assert.equal(await provider.tokens(), undefined);
    assert.equal(await provider.tokens({ issuer: 'https://new-as.example' }), undefined);
    assert.equal(await provider.clientInformation(), undefined);
  });
});
