import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileOAuthProvider } from '../../src/oauth/file-oauth-provider.ts';
import { CredentialStore, defaultStoreDir } from '../../src/store/credential-store.ts';

describe('credential store (credentials bound to their AS and resource)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-store-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('follows XDG: $XDG_STATE_HOME/mcp-auth/client, else ~/.local/state', () => {
    assert.equal(defaultStoreDir({ XDG_STATE_HOME: '/x/state' }), '/x/state/mcp-auth/client');
    assert.match(defaultStoreDir({}), /\.local\/state\/mcp-auth\/client$/);
  });

  it('a damaged file reads as absent (the user signs in again instead of being stuck)', async () => {
    const store = new CredentialStore(join(dir, 'damaged'));
    const path = store.clientPath('https://as.example');
    await store.write(path, {});
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, '{"half');
    assert.equal(await store.read(path), undefined);
  });

  it('client registrations are keyed by issuer: never offered to another AS', async () => {
    const store = new CredentialStore(join(dir, 'keyed'));
    const provider = new FileOAuthProvider({
      store,
      serverUrl: 'https://rs.example/mcp',
      redirectUrl: 'http://127.0.0.1:3030/callback',
      onAuthorizationUrl: () => {},
    });
    await provider.saveClientInformation({ client_id: 'from-as-one' }, { issuer: 'https://as-one.example' });
    assert.equal(
      (await provider.clientInformation({ issuer: 'https://as-one.example' }))?.client_id,
      'from-as-one',
    );
    assert.equal(await provider.clientInformation({ issuer: 'https://as-two.example' }), undefined);
  });

  it('tokens are keyed by issuer and server: another server or another AS sees none', async () => {
    const store = new CredentialStore(join(dir, 'tokens'));
    const forServer = (resource: string) =>
      new FileOAuthProvider({
        store,
        serverUrl: resource,
        redirectUrl: 'http://127.0.0.1/cb',
        onAuthorizationUrl: () => {},
      });
    await forServer('https://rs.example/mcp').saveTokens(
      { access_token: 'at', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt' },
      { issuer: 'https://as.example' },
    );
    assert.equal((await forServer('https://rs.example/mcp').tokens())?.access_token, 'at');
    assert.equal(await forServer('https://other.example/mcp').tokens(), undefined);
    assert.equal(
      await forServer('https://rs.example/mcp').tokens({ issuer: 'https://evil.example' }),
      undefined,
    );
    const saved = await forServer('https://rs.example/mcp').savedTokens();
    assert.ok(saved?.expiresAt && saved.expiresAt > Date.now());
  });

  it('pre-registered credentials are used as given and never overwritten', async () => {
    const provider = new FileOAuthProvider({
      store: new CredentialStore(join(dir, 'pre')),
      serverUrl: 'https://rs.example/mcp',
      redirectUrl: 'http://127.0.0.1/cb',
      preregistered: { clientId: 'mine', clientSecret: 's3cret' },
      onAuthorizationUrl: () => {},
    });
    await provider.saveClientInformation({ client_id: 'other' }, { issuer: 'https://as.example' });
    assert.deepEqual(await provider.clientInformation({ issuer: 'https://as.example' }), {
      client_id: 'mine',
      client_secret: 's3cret',
    });
    assert.equal(provider.clientMetadata.token_endpoint_auth_method, 'client_secret_basic');
  });

  it('MCP Authorization Server Binding: a pre-registered client is bound to the first AS it is used with, refused at another', async () => {
    const store = new CredentialStore(join(dir, 'bound'));
    const forServer = (serverUrl: string) =>
      new FileOAuthProvider({
        store,
        serverUrl,
        redirectUrl: 'http://127.0.0.1/cb',
        preregistered: { clientId: 'mine', clientSecret: 's3cret' },
        onAuthorizationUrl: () => {},
      });
    const first = await forServer('https://rs.example/mcp').clientInformation({
      issuer: 'https://as.example',
    });
    assert.equal(first?.client_id, 'mine');
    // Again at the same AS, from another server too: still offered.
    const again = await forServer('https://other.example/mcp').clientInformation({
      issuer: 'https://as.example',
    });
    assert.equal(again?.client_id, 'mine');
    // The server now names another AS: refused with one sentence naming both, before any request.
    await assert.rejects(
      forServer('https://rs.example/mcp').clientInformation({ issuer: 'https://evil.example' }),
      (error: Error) =>
        error.name === 'AuthFailure' &&
        error.message.includes('belongs to the authorization server https://as.example') &&
        error.message.includes('now names https://evil.example') &&
        !error.message.includes('s3cret'),
    );
  });

  it('registration metadata: native app, loopback redirect, refresh_token grant (SEP-2207)', () => {
    const provider = new FileOAuthProvider({
      store: new CredentialStore(join(dir, 'meta')),
      serverUrl: 'https://rs.example/mcp',
      redirectUrl: 'http://127.0.0.1:3030/callback',
      onAuthorizationUrl: () => {},
    });
    const metadata = provider.clientMetadata as Record<string, unknown>;
    assert.equal(metadata.application_type, 'native');
    assert.deepEqual(metadata.redirect_uris, ['http://127.0.0.1:3030/callback']);
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(metadata.token_endpoint_auth_method, 'none');
  });
});
