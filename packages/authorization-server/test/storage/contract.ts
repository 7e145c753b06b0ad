import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DuplicateAccountError,
  PURGE_BATCH_ROWS,
  type StorageBackend,
} from '../../src/storage/storage-backend.ts';

/**
 * The contract every StorageBackend honours (see src/storage/storage-backend.ts). SQLite runs it
 * now; the PostgreSQL backend will run the very same suite.
 */
export interface ContractOptions {
  /** A second, independent connection to the same store: another process, as far as it can tell. */
  readonly openSecondConnection?: () => Promise<StorageBackend>;
}

const now = () => Math.floor(Date.now() / 1000);
let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${counter++}`;

export function runStorageContract(
  name: string,
  openBackend: () => Promise<StorageBackend>,
  options: ContractOptions = {},
): void {
  describe(`storage contract: ${name}`, () => {
    let backend: StorageBackend;
    before(async () => {
      backend = await openBackend();
    });
    after(() => backend.close());

    it('upsert then find returns the payload exactly', async () => {
      const key = unique('k');
      const payload = { a: 1, nested: { b: ['x', 'y'] }, unicode: 'żółw ✓' };
      await backend.artifacts.upsert({ model: 'AccessToken', key, payload, expiresAt: now() + 60 });
      assert.deepEqual((await backend.artifacts.find('AccessToken', key))?.payload, payload);
      assert.equal(await backend.artifacts.find('RefreshToken', key), undefined, 'models are separate');
    });

    it('upsert replaces the record and clears consumed', async () => {
      const key = unique('k');
      await backend.artifacts.upsert({ model: 'M', key, payload: { v: 1 }, expiresAt: now() + 60 });
      assert.equal((await backend.artifacts.consume('M', key)).outcome, 'consumed');
      await backend.artifacts.upsert({ model: 'M', key, payload: { v: 2 }, expiresAt: now() + 60 });
      const record = await backend.artifacts.find('M', key);
      assert.deepEqual(record?.payload, { v: 2 });
      assert.equal(record?.consumedAt, undefined);
    });

    it('records without expiry never expire; expired records are never returned', async () => {
      const forever = unique('k');
      const expired = unique('k');
      await backend.artifacts.upsert({ model: 'M', key: forever, payload: {} });
      await backend.artifacts.upsert({
        model: 'M',
        key: expired,
        payload: {},
        expiresAt: now() - 1,
        uid: 'u-exp',
      });
      assert.ok(await backend.artifacts.find('M', forever));
      assert.equal(await backend.artifacts.find('M', expired), undefined);
      assert.equal(await backend.artifacts.findByUid('M', 'u-exp'), undefined);
      assert.equal((await backend.artifacts.consume('M', expired)).outcome, 'not-found');
    });

    it('findByUid and findByUserCode look up by secondary keys, per model', async () => {
      const uid = unique('uid');
      const userCode = unique('code');
      await backend.artifacts.upsert({
        model: 'Session',
        key: unique('k'),
        payload: { s: 1 },
        uid,
        expiresAt: now() + 60,
      });
      await backend.artifacts.upsert({
        model: 'DeviceCode',
        key: unique('k'),
        payload: { d: 1 },
        userCode,
        expiresAt: now() + 60,
      });
      assert.deepEqual((await backend.artifacts.findByUid('Session', uid))?.payload, { s: 1 });
      assert.deepEqual((await backend.artifacts.findByUserCode('DeviceCode', userCode))?.payload, { d: 1 });
      assert.equal(await backend.artifacts.findByUid('Interaction', uid), undefined);
    });

    it('destroy deletes one record', async () => {
      const key = unique('k');
      await backend.artifacts.upsert({ model: 'M', key, payload: {} });
      await backend.artifacts.destroy('M', key);
      assert.equal(await backend.artifacts.find('M', key), undefined);
      await backend.artifacts.destroy('M', key); // destroying a missing record is not an error
    });

    it('revokeByGrantId deletes every record of that grant across models, and only those', async () => {
      const grantId = unique('grant');
      const keys = [unique('k'), unique('k'), unique('k')];
      await backend.artifacts.upsert({ model: 'AccessToken', key: keys[0] ?? '', payload: {}, grantId });
      await backend.artifacts.upsert({ model: 'RefreshToken', key: keys[1] ?? '', payload: {}, grantId });
      await backend.artifacts.upsert({
        model: 'AccessToken',
        key: keys[2] ?? '',
        payload: {},
        grantId: unique('other'),
      });
      await backend.artifacts.revokeByGrantId(grantId);
      assert.equal(await backend.artifacts.find('AccessToken', keys[0] ?? ''), undefined);
      assert.equal(await backend.artifacts.find('RefreshToken', keys[1] ?? ''), undefined);
      assert.ok(await backend.artifacts.find('AccessToken', keys[2] ?? ''));
    });

    it('purgeExpired deletes exactly the expired records and counts them', async () => {
      const at = now();
      await backend.artifacts.purgeExpired(at);
      await backend.artifacts.upsert({ model: 'P', key: unique('k'), payload: {}, expiresAt: at - 10 });
      await backend.artifacts.upsert({ model: 'P', key: unique('k'), payload: {}, expiresAt: at - 5 });
      const live = unique('k');
      await backend.artifacts.upsert({ model: 'P', key: live, payload: {}, expiresAt: at + 600 });
      assert.equal(await backend.artifacts.purgeExpired(at), 2);
      assert.ok(await backend.artifacts.find('P', live));
    });

    it('purgeExpired works through a backlog larger than one batch: every expired row, no live one', async () => {
      const at = now();
      await backend.artifacts.purgeExpired(at);
      const model = unique('Backlog');
      const expired = PURGE_BATCH_ROWS * 2 + 7;
      for (let index = 0; index < expired; index++) {
        await backend.artifacts.upsert({
          model,
          key: `k${index}`,
          payload: {},
          expiresAt: at - 1 - (index % 50),
        });
      }
      const live = Array.from({ length: 5 }, (_, index) => `live${index}`);
      for (const key of live)
        await backend.artifacts.upsert({ model, key, payload: {}, expiresAt: at + 600 });
      assert.equal(await backend.artifacts.purgeExpired(at), expired);
      assert.deepEqual(
        (await backend.artifacts.listLive(model, at)).map((record) => record.key).sort(),
        live,
      );
      assert.equal(await backend.artifacts.find(model, 'k0'), undefined);
    });

    it('extendExpiry moves a live expiry later only, never gives one, never revives', async () => {
      const model = unique('X');
      const at = now();
      const [soon, later, forever, expired] = [unique('k'), unique('k'), unique('k'), unique('k')];
      await backend.artifacts.upsert({ model, key: soon, payload: {}, expiresAt: at + 60 });
      await backend.artifacts.upsert({ model, key: later, payload: {}, expiresAt: at + 6000 });
      await backend.artifacts.upsert({ model, key: forever, payload: {} });
      await backend.artifacts.upsert({ model, key: expired, payload: {}, expiresAt: at - 1 });
      for (const key of [soon, later, forever, expired, unique('missing')]) {
        await backend.artifacts.extendExpiry(model, key, at + 3000);
      }
      // countExpiring at a moment tells the expiries apart without reading them.
      assert.equal(await backend.artifacts.countExpiring(model, at + 2999), 2, 'soon and later');
      assert.equal(await backend.artifacts.countExpiring(model, at + 3000), 1, 'soon now ends at +3000');
      assert.equal(await backend.artifacts.countExpiring(model, at + 5999), 1, 'later was not shortened');
      assert.equal(await backend.artifacts.countExpiring(model, at + 6000), 0);
      assert.ok(await backend.artifacts.find(model, forever), 'a record without expiry stays');
      assert.equal(await backend.artifacts.find(model, expired), undefined, 'an expired one stays expired');
    });

    it('countExpiring counts the live records of one model that carry an expiry', async () => {
      const model = unique('C');
      const at = now();
      await backend.artifacts.upsert({ model, key: unique('k'), payload: {}, expiresAt: at + 60 });
      await backend.artifacts.upsert({ model, key: unique('k'), payload: {}, expiresAt: at + 60 });
      await backend.artifacts.upsert({ model, key: unique('k'), payload: {}, expiresAt: at - 1 });
      await backend.artifacts.upsert({ model, key: unique('k'), payload: {} });
      await backend.artifacts.upsert({
        model: unique('C'),
        key: unique('k'),
        payload: {},
        expiresAt: at + 60,
      });
      assert.equal(await backend.artifacts.countExpiring(model), 2);
      assert.equal(await backend.artifacts.countExpiring(model, at + 61), 0);
    });

    it('consume: consumed, then already-consumed with the grant id; missing is not-found', async () => {
      const key = unique('k');
      const grantId = unique('grant');
      await backend.artifacts.upsert({
        model: 'AuthorizationCode',
        key,
        payload: { c: 1 },
        grantId,
        expiresAt: now() + 60,
      });
      assert.deepEqual(await backend.artifacts.consume('AuthorizationCode', key), { outcome: 'consumed' });
      const record = await backend.artifacts.find('AuthorizationCode', key);
      assert.ok(record?.consumedAt, 'a consumed record is still found, marked consumed (reuse detection)');
      assert.deepEqual(await backend.artifacts.consume('AuthorizationCode', key), {
        outcome: 'already-consumed',
        grantId,
      });
      assert.deepEqual(await backend.artifacts.consume('AuthorizationCode', unique('missing')), {
        outcome: 'not-found',
      });
    });

    it('concurrent consume: of 20 callers exactly one wins', async () => {
      const key = unique('k');
      await backend.artifacts.upsert({
        model: 'RefreshToken',
        key,
        payload: {},
        grantId: 'g',
        expiresAt: now() + 60,
      });
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => backend.artifacts.consume('RefreshToken', key)),
      );
      assert.equal(outcomes.filter((result) => result.outcome === 'consumed').length, 1);
      assert.equal(outcomes.filter((result) => result.outcome === 'already-consumed').length, 19);
    });

    if (options.openSecondConnection) {
      const openSecond = options.openSecondConnection;
      it('concurrent consume from two connections (two processes): of 20 callers exactly one wins', async () => {
        const second = await openSecond();
        try {
          for (let round = 0; round < 5; round++) {
            const key = unique('k');
            await backend.artifacts.upsert({
              model: 'AuthorizationCode',
              key,
              payload: {},
              grantId: 'g',
              expiresAt: now() + 60,
            });
            const outcomes = await Promise.all(
              Array.from({ length: 20 }, (_, index) =>
                (index % 2 === 0 ? backend : second).artifacts.consume('AuthorizationCode', key),
              ),
            );
            assert.equal(outcomes.filter((result) => result.outcome === 'consumed').length, 1);
            assert.equal(outcomes.filter((result) => result.outcome === 'already-consumed').length, 19);
          }
        } finally {
          await second.close();
        }
      });
    }

    it('accounts: create, find by id and by username case-insensitively, duplicates refused', async () => {
      const username = unique('User');
      const account = { id: unique('id'), username, passwordHash: 'scrypt$x', createdAt: now() };
      await backend.accounts.create(account);
      assert.deepEqual(await backend.accounts.findById(account.id), account);
      assert.deepEqual(await backend.accounts.findByUsername(username.toUpperCase()), account);
      await assert.rejects(
        backend.accounts.create({ ...account, id: unique('id'), username: username.toLowerCase() }),
        DuplicateAccountError,
      );
      assert.equal(await backend.accounts.findById(unique('nobody')), undefined);
    });

    it('accounts: updatePassword, remove, list and count', async () => {
      const username = unique('carol');
      const before = await backend.accounts.count();
      await backend.accounts.create({ id: unique('id'), username, passwordHash: 'h1', createdAt: now() });
      assert.equal(await backend.accounts.count(), before + 1);
      assert.equal(await backend.accounts.updatePassword(username, 'h2'), true);
      assert.equal((await backend.accounts.findByUsername(username))?.passwordHash, 'h2');
      assert.equal(await backend.accounts.updatePassword(unique('nobody'), 'h'), false);
      assert.ok((await backend.accounts.list()).some((account) => account.username === username));
      assert.equal(await backend.accounts.remove(username), true);
      assert.equal(await backend.accounts.remove(username), false);
      assert.equal(await backend.accounts.count(), before);
    });

    it('listLive lists one model’s live records with key and expiry, ordered by key', async () => {
      const model = unique('Listed');
      const at = now();
      await backend.artifacts.upsert({ model, key: 'b', payload: { n: 2 }, expiresAt: at + 60 });
      await backend.artifacts.upsert({ model, key: 'a', payload: { n: 1 } });
      await backend.artifacts.upsert({ model, key: 'c', payload: { n: 3 }, expiresAt: at - 1 });
      await backend.artifacts.upsert({ model: `${model}-other`, key: 'd', payload: { n: 4 } });
      assert.deepEqual(await backend.artifacts.listLive(model), [
        { key: 'a', payload: { n: 1 } },
        { key: 'b', payload: { n: 2 }, expiresAt: at + 60 },
      ]);
      assert.deepEqual(await backend.artifacts.listLive(unique('Empty')), []);
    });

    it('accounts: a sign-in is recorded; lock and unlock by username, case-insensitively', async () => {
      const username = unique('Dave');
      const id = unique('id');
      await backend.accounts.create({ id, username, passwordHash: 'h', createdAt: now() });
      const fresh = await backend.accounts.findById(id);
      assert.equal(fresh?.lastSignInAt, undefined, 'never signed in');
      assert.equal(fresh?.lockedAt, undefined);
      await backend.accounts.recordSignIn(id, 1_700_000_000);
      assert.equal((await backend.accounts.findById(id))?.lastSignInAt, 1_700_000_000);
      assert.equal(await backend.accounts.setLocked(username.toUpperCase(), 1_700_000_100), true);
      assert.equal((await backend.accounts.findByUsername(username))?.lockedAt, 1_700_000_100);
      assert.equal(
        (await backend.accounts.list()).find((account) => account.id === id)?.lockedAt,
        1_700_000_100,
      );
      assert.equal(await backend.accounts.setLocked(username, undefined), true);
      assert.equal((await backend.accounts.findById(id))?.lockedAt, undefined);
      assert.equal(await backend.accounts.setLocked(unique('nobody'), 1), false);
    });
  });
}
