import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { introspect, refresh } from '@mcp-auth/test-support/oauth-flow';
import { devIntrospectionAuth, signInNewClient, type TokenSet } from '../support/signed-in-client.ts';
import { startTestServer } from '../support/test-server.ts';

describe('restart on the same data folder', () => {
  it('keeps clients, accounts, signing keys and refresh tokens working', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-restart-'));
    try {
      const first = await startTestServer({ dataDir });
      const { client, tokens } = await signInNewClient(first);
      const jwksBefore = await (await fetch(`${first.issuer}/jwks`)).json();
      const demoBefore = first.demoAccount;
      await first.close();

      const second = await startTestServer({ dataDir, port: first.port, issuer: first.issuer });
      try {
        assert.deepEqual(
          await (await fetch(`${second.issuer}/jwks`)).json(),
          jwksBefore,
          'same signing keys',
        );
        assert.equal(second.demoAccount?.password, demoBefore?.password, 'demo account kept');
        assert.equal(second.demoAccount?.created, false);
        const refreshed = await refresh(second.issuer, client.client_id, tokens.refresh_token);
        assert.equal(refreshed.status, 200, 'refresh token and client survive the restart');
        const next = (await refreshed.json()) as TokenSet;
        const details = (await (
          await introspect(second.issuer, tokens.access_token, devIntrospectionAuth(second))
        ).json()) as {
          active: boolean;
        };
        assert.equal(details.active, true, 'access tokens issued before the restart stay valid');
        assert.ok(next.access_token);
        // Accounts survive: the same user signs in again.
        await signInNewClient(second);
      } finally {
        await second.close();
      }
      // Owner-only permissions on the data folder and its secrets.
      assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
      for (const file of [
        'secrets.json',
        'authorization-server.db',
        'demo-account.json',
        'dev-introspection-client.json',
      ]) {
        assert.equal((await stat(join(dataDir, file))).mode & 0o077, 0, `${file} is private`);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
