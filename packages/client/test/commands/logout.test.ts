import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { refresh } from '@mcp-auth/test-support/oauth-flow';
import { logout } from '../../src/commands/logout.ts';
import { FileOAuthProvider } from '../../src/oauth/file-oauth-provider.ts';
import type { SavedTokens } from '../../src/oauth/saved-tokens.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import {
  startTestAuthorizationServer,
  storeSignIn,
  type TestAuthorizationServer,
} from '../support/servers.ts';

const RESOURCE = 'http://localhost:1/mcp';

describe('mcp-auth-client logout', () => {
  let as: TestAuthorizationServer;
  let storeDir: string;
  before(async () => {
    as = await startTestAuthorizationServer([RESOURCE]);
    storeDir = await mkdtemp(join(tmpdir(), 'mcp-auth-logout-'));
  });
  after(async () => {
    await as?.close();
    await rm(storeDir, { recursive: true, force: true });
  });

  it('RFC 7009 §2.1: logout revokes the refresh token at the AS, then forgets the tokens', async () => {
    await storeSignIn(storeDir, as, RESOURCE);
    const store = new CredentialStore(storeDir);
    const saved = await store.read<SavedTokens>(store.tokensPath(as.issuer, RESOURCE));
    const client = await store.read<{ client_id: string }>(store.clientPath(as.issuer));
    const refreshToken = saved?.tokens.refresh_token;
    assert.ok(refreshToken && client, 'the sign-in stored a refresh token and its client');
    const provider = () =>
      new FileOAuthProvider({
        store,
        serverUrl: RESOURCE,
        redirectUrl: 'http://127.0.0.1/cb',
        onAuthorizationUrl: () => {},
      });

    assert.equal(await logout(provider()), `Signed out of ${as.issuer} (refresh token revoked).`);
    const refreshed = await refresh(as.issuer, client.client_id, refreshToken);
    assert.equal(refreshed.status, 400);
    assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(await provider().tokens(), undefined, 'the tokens are forgotten');
    assert.ok(await store.read(store.clientPath(as.issuer)), 'the registration is kept');
    assert.equal(await logout(provider()), 'Not signed in; nothing to forget.');
  });
});
