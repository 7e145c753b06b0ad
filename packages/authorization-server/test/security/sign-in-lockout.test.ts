import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { testDatabaseUrl } from '@mcp-auth/test-support/postgres';
import pg from 'pg';
import { SIGNED_IN, SignInForm, THROTTLED, WRONG_PASSWORD } from '../support/sign-in-form.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const DATABASE_URL = await testDatabaseUrl();

const BOB = { username: 'bob', password: 'bob has another password' } as const;
const MINUTE = 60_000;
const attacker = (index: number) => `203.0.113.${index + 1}`;
const ALICE_AT_HOME = '198.51.100.7';

/**
 * OWASP Authentication Cheat Sheet, "Account lockout": a per-username lock lets anyone lock a
 * known user out. Here failed sign-ins are throttled per address and per username-and-address;
 * a per-username budget only holds back addresses that have been failing for that username, so
 * the person with the right password, from an address that has not been failing, always gets in.
 * Time is an injected clock (the rate limits read it), never a sleep.
 */
describe('sign-in lockout: throttling failed sign-ins without locking anyone out', () => {
  let server: TestAuthorizationServer;
  let now: number;
  beforeEach(async () => {
    now = Date.UTC(2030, 0, 1, 12, 0, 0);
    server = await startTestServer(
      { trustProxy: true, rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 10 } },
      { clock: () => now },
    );
    await server.accounts.create(BOB.username, BOB.password);
  });
  afterEach(() => server.dispose());

  it('(a) many addresses failing for alice do not lock alice out: she signs in at once from her own address', async () => {
    const attack = await SignInForm.open(server.issuer);
    for (let index = 0; index < 25; index++) {
      const attempt = await attack.submit('alice', `guess-${index}`, attacker(index));
      assert.equal(attempt.status, WRONG_PASSWORD, `attempt ${index} from a fresh address is checked`);
    }
    // The per-username budget is spent: an address that has been failing for alice waits.
    const again = await attack.submit('alice', TEST_USER.password, attacker(0));
    assert.equal(again.status, THROTTLED, 'a failing address is held back, even with the right password');
    assert.ok(again.retryAfter !== undefined && again.retryAfter > 0 && again.retryAfter <= 60);

    const alice = await SignInForm.open(server.issuer);
    const signIn = await alice.submit('alice', TEST_USER.password, ALICE_AT_HOME);
    assert.equal(signIn.status, SIGNED_IN, 'alice, from an address that has not been failing, gets in');
  });

  it('(b) one address guessing across usernames is throttled, with Retry-After and a page saying when', async () => {
    const form = await SignInForm.open(server.issuer);
    for (let index = 0; index < 10; index++) {
      const attempt = await form.submit(`nobody-${index}`, 'wrong', attacker(0));
      assert.equal(attempt.status, WRONG_PASSWORD, 'an unknown username fails like a wrong password');
    }
    const refused = await form.submit('alice', TEST_USER.password, attacker(0));
    assert.equal(refused.status, THROTTLED);
    assert.equal(refused.retryAfter, 60);
    assert.match(refused.page, /Too many sign-in attempts\. Try again in 60 seconds\./);

    const elsewhere = await SignInForm.open(server.issuer);
    assert.equal((await elsewhere.submit('alice', TEST_USER.password, ALICE_AT_HOME)).status, SIGNED_IN);

    now += 30_000;
    const later = await form.submit('alice', TEST_USER.password, attacker(0));
    assert.equal(later.status, THROTTLED);
    assert.equal(later.retryAfter, 30, 'the wait shrinks as the clock moves');
    now += 30_000;
    assert.equal((await form.submit('alice', TEST_USER.password, attacker(0))).status, SIGNED_IN);
  });

  it('(c) one address guessing one username is throttled for that username only', async () => {
    const form = await SignInForm.open(server.issuer);
    for (let index = 0; index < 5; index++) {
      assert.equal((await form.submit('alice', `guess-${index}`, attacker(0))).status, WRONG_PASSWORD);
    }
    const refused = await form.submit('alice', TEST_USER.password, attacker(0));
    assert.equal(refused.status, THROTTLED, 'five failures for alice from this address');
    assert.equal(refused.retryAfter, 15 * 60);

    const bobHere = await SignInForm.open(server.issuer);
    assert.equal((await bobHere.submit(BOB.username, BOB.password, attacker(0))).status, SIGNED_IN);
    const aliceAtHome = await SignInForm.open(server.issuer);
    assert.equal((await aliceAtHome.submit('alice', TEST_USER.password, ALICE_AT_HOME)).status, SIGNED_IN);

    now += 15 * MINUTE;
    assert.equal((await form.submit('alice', TEST_USER.password, attacker(0))).status, SIGNED_IN);
  });

  it('only failed attempts count: many successful sign-ins from one address are never throttled', async () => {
    for (let index = 0; index < 12; index++) {
      const form = await SignInForm.open(server.issuer);
      assert.equal((await form.submit('alice', TEST_USER.password, attacker(0))).status, SIGNED_IN);
    }
  });

  it('an address that failed for alice waits while her budget is spent, then tries again', async () => {
    const attack = await SignInForm.open(server.issuer);
    for (let index = 0; index < 10; index++) {
      assert.equal((await attack.submit('alice', `guess-${index}`, attacker(index))).status, WRONG_PASSWORD);
    }
    const refused = await attack.submit('alice', 'guess', attacker(3));
    assert.equal(refused.status, THROTTLED);
    now += MINUTE;
    assert.equal((await attack.submit('alice', 'guess', attacker(3))).status, WRONG_PASSWORD);
  });
});

describe('(d) sign-in throttling shared by AS instances on one PostgreSQL database', () => {
  const schema = `mcp_auth_lockout_${process.pid}_${randomBytes(4).toString('hex')}`;
  let first: TestAuthorizationServer;
  let second: TestAuthorizationServer;
  let now = Date.UTC(2030, 0, 1, 12, 0, 0);
  before(async () => {
    const options = {
      trustProxy: true,
      database: { url: DATABASE_URL, schema },
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 10 },
    };
    const overrides = { clock: () => now };
    first = await startTestServer(options, overrides);
    second = await startTestServer(options, overrides);
  });
  after(async () => {
    await first?.dispose();
    await second?.dispose();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('failures counted at one instance hold at the other; alice still gets in from her own address', async () => {
    now += 60 * MINUTE;
    const [atFirst, atSecond] = [await SignInForm.open(first.issuer), await SignInForm.open(second.issuer)];
    // Per username-and-address: five failures, alternating instances.
    for (let index = 0; index < 5; index++) {
      const form = index % 2 === 0 ? atFirst : atSecond;
      assert.equal((await form.submit('alice', `guess-${index}`, attacker(0))).status, WRONG_PASSWORD);
    }
    assert.equal((await atSecond.submit('alice', TEST_USER.password, attacker(0))).status, THROTTLED);

    // Per username: the budget is spent by addresses failing at either instance.
    for (let index = 1; index < 10; index++) {
      const form = index % 2 === 0 ? atFirst : atSecond;
      assert.equal((await form.submit('alice', `guess-${index}`, attacker(index))).status, WRONG_PASSWORD);
    }
    assert.equal((await atFirst.submit('alice', TEST_USER.password, attacker(9))).status, THROTTLED);
    const alice = await SignInForm.open(second.issuer);
    assert.equal((await alice.submit('alice', TEST_USER.password, ALICE_AT_HOME)).status, SIGNED_IN);
  });

  it('per address: ten failures at one instance throttle that address at the other', async () => {
    now += 60 * MINUTE;
    const atFirst = await SignInForm.open(first.issuer);
    for (let index = 0; index < 10; index++) {
      assert.equal((await atFirst.submit(`nobody-${index}`, 'wrong', attacker(50))).status, WRONG_PASSWORD);
    }
    const atSecond = await SignInForm.open(second.issuer);
    assert.equal((await atSecond.submit(BOB.username, 'anything', attacker(50))).status, THROTTLED);
  });
});
