import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Provider from 'oidc-provider';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';
import { dpopNonceSecret, installDpopNonceSecret } from '../../src/provider/dpop-nonces.ts';

type Nonces = { nextChallenge(): string; checkChallenge(nonce: string): boolean };
const noncesOf = (provider: Provider) => instance(provider)?.DPoPNonces as Nonces;

const COOKIE_KEY = 'a'.repeat(43);
const ROTATED_COOKIE_KEY = 'b'.repeat(43);

describe('DPoP nonce secret (RFC 9449 §8)', () => {
  it('is derived from the cookie key in force: the same for the same key, another for another, never the key itself', () => {
    const secret = dpopNonceSecret([COOKIE_KEY]);
    assert.equal(secret.length, 32);
    assert.deepEqual(
      dpopNonceSecret([COOKIE_KEY, ROTATED_COOKIE_KEY]),
      secret,
      'the signing (first) key counts',
    );
    assert.notDeepEqual(dpopNonceSecret([ROTATED_COOKIE_KEY]), secret);
    assert.notEqual(secret.toString('utf8'), COOKIE_KEY);
    assert.throws(() => dpopNonceSecret([]), /no cookie key/);
  });

  it('after a rotation the provider issues and accepts nonces of the new key only', () => {
    const configuration = {
      features: { dPoP: { enabled: true, nonceSecret: dpopNonceSecret([COOKIE_KEY]) } },
    };
    const provider = new Provider('http://127.0.0.1:9000', configuration);
    const other = new Provider('http://127.0.0.1:9000', configuration);
    const before = noncesOf(provider).nextChallenge();
    assert.equal(noncesOf(other).checkChallenge(before), true, 'two instances on one key agree');

    installDpopNonceSecret(provider, [ROTATED_COOKIE_KEY]);
    const after = noncesOf(provider).nextChallenge();
    assert.notEqual(after, before);
    assert.equal(
      noncesOf(provider).checkChallenge(before),
      false,
      'the old nonce is answered with a new one',
    );
    assert.equal(noncesOf(provider).checkChallenge(after), true);
  });
});
