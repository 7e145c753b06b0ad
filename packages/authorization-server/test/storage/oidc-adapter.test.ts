import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { clientSecretMatches } from '../../src/clients/client-secret.ts';
import { createOidcAdapterFactory } from '../../src/provider/oidc-adapter.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-adapter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rawDump(path: string): string {
  const raw = new DatabaseSync(path);
  raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const rows = raw.prepare('SELECT * FROM artifacts').all();
  raw.close();
  return JSON.stringify(rows) + readFileSync(path).toString('latin1');
}

describe('oidc-provider adapter: secrets at rest are hashed', () => {
  it('token values never appear in the database, yet find(id) returns them with jti restored', async () => {
    const path = join(dir, 'tokens.db');
    const backend = openSqliteBackend({ path });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    const ids = {
      AccessToken: 'AT-secret-value-0123456789abcdefghij',
      RefreshToken: 'RT-secret-value-0123456789abcdefghij',
      AuthorizationCode: 'AC-secret-value-0123456789abcdefghij',
      Session: 'SE-secret-value-0123456789abcdefghij',
    };
    for (const [model, id] of Object.entries(ids)) {
      await adapter(model).upsert(id, { jti: id, kind: model, grantId: 'grant-1' }, 60);
    }
    for (const [model, id] of Object.entries(ids)) {
      const found = await adapter(model).find(id);
      assert.equal(found?.jti, id);
      assert.equal(found?.kind, model);
    }
    await backend.close();
    const dump = rawDump(path);
    for (const id of Object.values(ids)) {
      assert.ok(!dump.includes(id), `${id} is stored in clear`);
    }
  });

  it('an Interaction stores neither its own id (even inside returnTo) nor the session cookie value', async () => {
    const path = join(dir, 'interactions.db');
    const backend = openSqliteBackend({ path });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    const uid = 'IN-secret-value-0123456789abcdefghij';
    const sessionId = 'SC-secret-value-0123456789abcdefghij';
    const returnTo = `https://as.example/auth/${uid}`;
    await adapter('Interaction').upsert(
      uid,
      {
        jti: uid,
        kind: 'Interaction',
        returnTo,
        session: { accountId: 'a1', uid: 'session-uid', cookie: sessionId },
      },
      60,
    );
    const found = await adapter('Interaction').find(uid);
    assert.equal(found?.jti, uid);
    assert.equal(found?.returnTo, returnTo, 'the id embedded in returnTo is put back');
    assert.deepEqual(found?.session, { accountId: 'a1', uid: 'session-uid' });
    await backend.close();
    const dump = rawDump(path);
    assert.ok(!dump.includes(uid), 'the interaction id is stored in clear');
    assert.ok(!dump.includes(sessionId), 'the session cookie value is stored in clear');
  });

  it('client secrets are stored hashed and compared in constant time', async () => {
    const path = join(dir, 'clients.db');
    const backend = openSqliteBackend({ path });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    const secret = 'client-secret-0123456789abcdefghijklmnop';
    await adapter('Client').upsert('client-1', { client_id: 'client-1', client_secret: secret });
    const stored = await adapter('Client').find('client-1');
    assert.equal(stored?.client_id, 'client-1', 'client ids are public and kept in clear');
    assert.notEqual(stored?.client_secret, secret);
    assert.match(String(stored?.client_secret), /^sha256:/);
    assert.equal(clientSecretMatches(String(stored?.client_secret), secret), true);
    assert.equal(clientSecretMatches(String(stored?.client_secret), `${secret}x`), false);
    assert.equal(clientSecretMatches(String(stored?.client_secret), ''), false);
    assert.equal(
      clientSecretMatches('legacy-clear', 'legacy-clear'),
      true,
      'static clients may hold it in memory',
    );
    await backend.close();
    assert.ok(!rawDump(path).includes(secret));
  });

  it('findByUid finds a session by its hashed uid', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    await adapter('Session').upsert('session-id', { jti: 'session-id', uid: 'the-uid', accountId: 'a1' }, 60);
    const found = await adapter('Session').findByUid('the-uid');
    assert.equal(found?.accountId, 'a1');
    assert.equal(found?.uid, 'the-uid', 'oidc-provider needs the uid back on the session');
    assert.equal(found?.jti, undefined, 'the session id cannot be recovered from its hash');
    assert.equal(await adapter('Session').findByUid('other-uid'), undefined);
    await backend.close();
  });

  it('concurrent consume: exactly one succeeds; the others fail with invalid_grant and revoke the grant', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const races: unknown[] = [];
    const adapter = createOidcAdapterFactory(backend.artifacts, {
      onConsumeRace: (race) => races.push(race),
    });
    await adapter('Grant').upsert('g1', { jti: 'g1', kind: 'Grant', accountId: 'a1' }, 600);
    await adapter('AuthorizationCode').upsert('code-1', { jti: 'code-1', grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('at-1', { jti: 'at-1', grantId: 'g1' }, 60);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => adapter('AuthorizationCode').consume('code-1')),
    );
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const rejected = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    assert.equal(rejected.length, 7);
    for (const { reason } of rejected) assert.equal((reason as { error?: string }).error, 'invalid_grant');
    assert.equal(await adapter('AccessToken').find('at-1'), undefined, 'the grant was revoked');
    assert.equal(
      await adapter('Grant').find('g1'),
      undefined,
      'the Grant itself is gone, as oidc-provider does',
    );
    assert.equal(races.length, 7);
    assert.deepEqual(races[0], { model: 'AuthorizationCode', grantId: 'g1' });
    await backend.close();
  });

  it('consuming a missing or expired code fails with invalid_grant', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    await assert.rejects(adapter('AuthorizationCode').consume('never-issued'), { error: 'invalid_grant' });
    await backend.close();
  });

  it('a consumed record comes back with `consumed` set (oidc-provider reuse detection)', async () => {
    const backend = openSqliteBackend({ path: ':memory:' });
    const adapter = createOidcAdapterFactory(backend.artifacts);
    await adapter('RefreshToken').upsert('rt-1', { jti: 'rt-1', grantId: 'g2' }, 60);
    await adapter('RefreshToken').consume('rt-1');
    assert.ok((await adapter('RefreshToken').find('rt-1'))?.consumed);
    await backend.close();
  });
});
