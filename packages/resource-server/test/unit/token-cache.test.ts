import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheVerifiedTokens } from '../../src/auth/token-cache.ts';
import type { VerifiedToken } from '../../src/auth/verified-token.ts';
import { InvalidTokenError } from '../../src/errors.ts';

const START = 1_800_000_000_000;

/** A check that counts its calls and answers a token expiring `expiresInSeconds` after START. */
function countingCheck(expiresInSeconds = 3600) {
  const asked: string[] = [];
  const check = async (token: string): Promise<VerifiedToken> => {
    asked.push(token);
    if (token.startsWith('bad')) throw new InvalidTokenError('the access token is not active');
    return {
      clientId: 'cli',
      scopes: ['user'],
      expiresAt: START / 1000 + expiresInSeconds,
      extra: { subject: token, audience: ['http://localhost:8001/mcp'], issuer: 'http://127.0.0.1:9000' },
    };
  };
  return { asked, check };
}

function setup(maxAgeMs: number, expiresInSeconds?: number) {
  const clock = { now: START };
  const { asked, check } = countingCheck(expiresInSeconds);
  const verifier = cacheVerifiedTokens(check, { maxAgeMs, maxEntries: 100, now: () => clock.now });
  return { asked, clock, verifier };
}

describe('the one token cache in front of every verifier', () => {
  it('a token checked once is answered from memory after, with the token it was asked about', async () => {
    const { asked, verifier } = setup(30_000);
    const first = await verifier.verifyAccessToken('token-a');
    const second = await verifier.verifyAccessToken('token-a');
    assert.deepEqual(asked, ['token-a']);
    assert.equal(second.token, 'token-a');
    assert.deepEqual(second, first);
    assert.deepEqual(verifier.cacheStats(), { hits: 1, misses: 1 });
  });

  it('an answer is reused for at most maxAgeMs (how long a revocation may go unnoticed)', async () => {
    const { asked, clock, verifier } = setup(30_000);
    await verifier.verifyAccessToken('token-a');
    clock.now += 29_999;
    await verifier.verifyAccessToken('token-a');
    assert.equal(asked.length, 1);
    clock.now += 1;
    await verifier.verifyAccessToken('token-a');
    assert.equal(asked.length, 2);
  });

  it("an answer is never reused past the token's exp, even when maxAgeMs is longer", async () => {
    const { asked, clock, verifier } = setup(600_000, 10);
    await verifier.verifyAccessToken('token-a');
    clock.now += 9_999;
    await verifier.verifyAccessToken('token-a');
    assert.equal(asked.length, 1);
    clock.now += 1;
    await verifier.verifyAccessToken('token-a');
    assert.equal(asked.length, 2);
  });

  it('a refusal is never remembered: a bad token is checked again every time', async () => {
    const { asked, verifier } = setup(30_000);
    await assert.rejects(verifier.verifyAccessToken('bad-token'), InvalidTokenError);
    await assert.rejects(verifier.verifyAccessToken('bad-token'), InvalidTokenError);
    assert.deepEqual(asked, ['bad-token', 'bad-token']);
  });

  it('maxAgeMs 0 remembers nothing', async () => {
    const { asked, verifier } = setup(0);
    await verifier.verifyAccessToken('token-a');
    await verifier.verifyAccessToken('token-a');
    assert.equal(asked.length, 2);
    assert.deepEqual(verifier.cacheStats(), { hits: 0, misses: 2 });
  });

  it('distinct tokens never share an answer', async () => {
    const { asked, verifier } = setup(30_000);
    const a = await verifier.verifyAccessToken('token-a');
    const b = await verifier.verifyAccessToken('token-b');
    assert.deepEqual(asked, ['token-a', 'token-b']);
    assert.equal(a.extra.subject, 'token-a');
    assert.equal(b.extra.subject, 'token-b');
    assert.equal(b.token, 'token-b');
  });
});
