import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  generationStatuses,
  keysInForce,
  withNewGeneration,
  withoutExpiredGenerations,
} from '../../src/keys/keys-in-force.ts';
import {
  generateKeyGeneration,
  type KeyGeneration,
  parseServerSecrets,
} from '../../src/keys/server-secrets.ts';

const RETENTION = { signingSeconds: 3660, cookieSeconds: 14 * 24 * 3600 + 60 };

describe('keys in force at a moment (keys rotate)', () => {
  let first: KeyGeneration;
  let second: KeyGeneration;
  before(async () => {
    first = await generateKeyGeneration(1000, 1000);
    second = await generateKeyGeneration(5000, 5060);
  });
  const kids = (generation: KeyGeneration) => generation.signingKeys.map((key) => key.kid);

  it('secrets from before rotation existed are one generation, active since always', () => {
    const legacy = { signingKeys: { keys: first.signingKeys }, cookieKeys: first.cookieKeys };
    const parsed = parseServerSecrets(legacy);
    assert.deepEqual(parsed, {
      generations: [
        { signingKeys: first.signingKeys, cookieKeys: first.cookieKeys, createdAt: 0, activeFrom: 0 },
      ],
    });
    assert.equal(parseServerSecrets({ signingKeys: { keys: [] }, cookieKeys: ['x'.repeat(40)] }), undefined);
    assert.equal(parseServerSecrets({ generations: [] }), undefined);
    assert.equal(parseServerSecrets({ generations: [{ ...first, cookieKeys: ['short'] }] }), undefined);
  });

  it('a rotated-in generation is published and accepted before it signs; then it signs and the old one only verifies', () => {
    const secrets = withNewGeneration({ generations: [first] }, second);
    const before = keysInForce(secrets, 5059, RETENTION);
    assert.deepEqual(before.signingKids, kids(first), 'the old keys still sign until activeFrom');
    assert.deepEqual(
      before.jwks.keys.map((key) => [key.kid, key.key_ops]),
      [...kids(first).map((kid) => [kid, undefined]), ...kids(second).map((kid) => [kid, ['verify']])],
    );
    assert.deepEqual(
      before.cookieKeys,
      [...first.cookieKeys, ...second.cookieKeys],
      'the first cookie key signs',
    );
    const after = keysInForce(secrets, 5060, RETENTION);
    assert.deepEqual(after.signingKids, kids(second));
    assert.deepEqual(
      after.jwks.keys.map((key) => [key.kid, key.key_ops]),
      [...kids(second).map((kid) => [kid, undefined]), ...kids(first).map((kid) => [kid, ['verify']])],
    );
    assert.deepEqual(after.cookieKeys, [...second.cookieKeys, ...first.cookieKeys]);
    assert.notEqual(before.fingerprint, after.fingerprint);
    assert.equal(
      keysInForce(secrets, 5061, RETENTION).fingerprint,
      after.fingerprint,
      'unchanged: same fingerprint',
    );
  });

  it('the old signing keys go after the signing window, its cookie key after the cookie window, then the generation', () => {
    const secrets = withNewGeneration({ generations: [first] }, second);
    const retired = 5060;
    const inSigningWindow = keysInForce(secrets, retired + RETENTION.signingSeconds - 1, RETENTION);
    assert.ok(inSigningWindow.jwks.keys.some((key) => key.kid === first.signingKeys[0]?.kid));
    const afterSigningWindow = keysInForce(secrets, retired + RETENTION.signingSeconds, RETENTION);
    assert.deepEqual(
      afterSigningWindow.jwks.keys.map((key) => key.kid),
      kids(second),
    );
    assert.deepEqual(afterSigningWindow.cookieKeys, [...second.cookieKeys, ...first.cookieKeys]);
    assert.equal(
      withoutExpiredGenerations(secrets, retired + RETENTION.signingSeconds, RETENTION),
      undefined,
    );
    const gone = retired + RETENTION.cookieSeconds;
    assert.deepEqual(keysInForce(secrets, gone, RETENTION).cookieKeys, second.cookieKeys);
    assert.deepEqual(withoutExpiredGenerations(secrets, gone, RETENTION), { generations: [second] });
    assert.deepEqual(
      generationStatuses(secrets, gone, RETENTION).map((status) => [status.state, status.retiredAt]),
      [
        ['active', undefined],
        ['expired', retired],
      ],
    );
  });
});
