import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountService } from '../../src/accounts/account-service.ts';
import {
  createPasswordHasher,
  type KeyDerivation,
  scryptKeyDerivation,
} from '../../src/accounts/password-hash.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { StorageBackend } from '../../src/storage/storage-backend.ts';
import { SignInForm, WRONG_PASSWORD } from '../support/sign-in-form.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * Account enumeration (OWASP Authentication Cheat Sheet, "Authentication and Error Messages"):
 * the sign-in must not tell an attacker which usernames exist, neither by its answer nor by how
 * long it takes. Time is never measured here (too noisy to prove anything); the work is: an
 * injected key derivation counts the scrypt runs each attempt costs, which must be exactly one
 * whether the username exists or not.
 */
describe('username enumeration: the work a sign-in costs', () => {
  let backend: StorageBackend;
  let derivations: number;
  let accounts: AccountService;
  const countingDerivation: KeyDerivation = (password, salt, cost) => {
    derivations++;
    return scryptKeyDerivation(password, salt, cost);
  };

  before(async () => {
    backend = openSqliteBackend({ path: ':memory:' });
    accounts = new AccountService(backend.accounts, createPasswordHasher(countingDerivation));
    await accounts.create(TEST_USER.username, TEST_USER.password);
  });
  after(() => backend.close());

  /** The scrypt runs one sign-in attempt costs, and whether it let the person in. */
  async function attempt(service: AccountService, username: string, password: string) {
    derivations = 0;
    const account = await service.authenticate(username, password);
    return { derivations, signedIn: account !== undefined };
  }

  it('an unknown username costs exactly one scrypt, like a known one with a wrong password', async () => {
    assert.deepEqual(await attempt(accounts, TEST_USER.username, 'wrong password'), {
      derivations: 1,
      signedIn: false,
    });
    assert.deepEqual(await attempt(accounts, 'nobody-here', 'wrong password'), {
      derivations: 1,
      signedIn: false,
    });
    assert.deepEqual(await attempt(accounts, TEST_USER.username, TEST_USER.password), {
      derivations: 1,
      signedIn: true,
    });
  });

  it('the very first unknown username costs one scrypt too (no decoy made on first use)', async () => {
    const fresh = new AccountService(backend.accounts, createPasswordHasher(countingDerivation));
    assert.deepEqual(await attempt(fresh, 'first-unknown', 'wrong password'), {
      derivations: 1,
      signedIn: false,
    });
  });

  it('a username no account could have (bad characters, too long, empty) costs one scrypt as well', async () => {
    for (const username of ['<script>', 'a'.repeat(200), '', ' alice', 'alice\u0000']) {
      assert.deepEqual(
        await attempt(accounts, username, 'wrong password'),
        { derivations: 1, signedIn: false },
        JSON.stringify(username),
      );
    }
  });

  it('the decoy hash lets no password in, the empty one included', async () => {
    for (const password of ['', 'password', TEST_USER.password]) {
      assert.equal((await attempt(accounts, 'nobody-here', password)).signedIn, false);
    }
  });
});

describe('username enumeration: the answer a sign-in gets', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 1000 },
    });
  });
  after(() => server.dispose());

  /** The page without what differs by construction: the username typed, the interaction's ids. */
  const comparable = (page: string, username: string) =>
    page
      .replaceAll(username, '<username>')
      .replace(/\/interaction\/[A-Za-z0-9_-]+/g, '/interaction/<uid>')
      .replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="<csrf>"');

  it('an unknown username and a wrong password get the same status, message and page', async () => {
    const known = await (await SignInForm.open(server.issuer)).submit(
      TEST_USER.username,
      'wrong password',
      '192.0.2.1',
    );
    const unknownName = 'nobody-here';
    const unknown = await (await SignInForm.open(server.issuer)).submit(
      unknownName,
      'wrong password',
      '192.0.2.1',
    );
    assert.equal(known.status, WRONG_PASSWORD);
    assert.equal(unknown.status, WRONG_PASSWORD);
    assert.match(known.page, /The username or password is not right\./);
    assert.equal(comparable(unknown.page, unknownName), comparable(known.page, TEST_USER.username));
  });
});
