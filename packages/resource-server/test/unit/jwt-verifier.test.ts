import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { createJwtVerifier } from '../../src/auth/jwt-verifier.ts';
import type { TokenVerifier } from '../../src/auth/verified-token.ts';
import { InvalidTokenError } from '../../src/errors.ts';

const ISSUER = 'http://127.0.0.1:9000';
const RESOURCE = 'http://localhost:8001/mcp';
const KID = 'key-1';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('JWT access token verifier (RFC 9068)', () => {
  let keyPair: KeyPair;
  let otherKeyPair: KeyPair;
  let verifier: TokenVerifier;

  before(async () => {
    keyPair = await generateKeyPair('ES256');
    otherKeyPair = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keyPair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
    verifier = createJwtVerifier({
      issuer: ISSUER,
      jwksUri: 'http://127.0.0.1:1/never-fetched',
      keys: createLocalJWKSet({ keys: [jwk] }),
    });
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  /** Signs `claims` over a valid RFC 9068 §2.2 claim set; a claim set to undefined is left out. */
  function sign(
    claims: JWTPayload = {},
    header: { typ?: string | undefined; alg?: string } = {},
    privateKey: KeyPair['privateKey'] = keyPair.privateKey,
  ): Promise<string> {
    const now = nowSeconds();
    const payload: JWTPayload = {
      iss: ISSUER,
      sub: 'alice',
      aud: RESOURCE,
      client_id: 'cli',
      scope: 'user admin',
      iat: now,
      exp: now + 300,
      jti: 'jti-1',
      ...claims,
    };
    const typ = 'typ' in header ? header.typ : 'at+jwt';
    return new SignJWT(payload)
      .setProtectedHeader({ alg: header.alg ?? 'ES256', kid: KID, ...(typ === undefined ? {} : { typ }) })
      .sign(privateKey);
  }

  it('accepts a valid at+jwt and maps it: scope string to a list, aud string to a list', async () => {
    const token = await sign();
    const verified = await verifier.verifyAccessToken(token);
    assert.equal(verified.extra.subject, 'alice');
    assert.equal(verified.clientId, 'cli');
    assert.deepEqual(verified.scopes, ['user', 'admin']);
    assert.deepEqual(verified.extra.audience, [RESOURCE]);
    assert.equal(verified.extra.issuer, ISSUER);
    assert.equal(typeof verified.expiresAt, 'number');
    assert.ok(Math.abs(verified.expiresAt - (nowSeconds() + 300)) <= 5);
  });

  it('keeps an aud array as a list', async () => {
    const verified = await verifier.verifyAccessToken(
      await sign({ aud: [RESOURCE, 'https://other.example/mcp'] }),
    );
    assert.deepEqual(verified.extra.audience, [RESOURCE, 'https://other.example/mcp']);
  });

  it('accepts typ "application/at+jwt", the same media type with its prefix (RFC 9068 §2.1, RFC 7515 §4.1.9)', async () => {
    await verifier.verifyAccessToken(await sign({}, { typ: 'application/at+jwt' }));
  });

  for (const typ of ['JWT', 'jwt', 'id_token+jwt', undefined]) {
    it(`refuses typ ${typ === undefined ? '(absent)' : `"${typ}"`}: only at+jwt is an access token (RFC 9068 §4)`, async () => {
      await assert.rejects(verifier.verifyAccessToken(await sign({}, { typ })), InvalidTokenError);
    });
  }

  it('refuses a token from another issuer (RFC 9068 §4: iss must match)', async () => {
    await assert.rejects(
      verifier.verifyAccessToken(await sign({ iss: 'https://evil.example' })),
      InvalidTokenError,
    );
  });

  it('refuses a token without iss', async () => {
    await assert.rejects(verifier.verifyAccessToken(await sign({ iss: undefined })), InvalidTokenError);
  });

  it('refuses an expired token (exp beyond the clock tolerance)', async () => {
    const now = nowSeconds();
    await assert.rejects(
      verifier.verifyAccessToken(await sign({ iat: now - 600, exp: now - 60 })),
      (error: unknown) => {
        assert.ok(error instanceof InvalidTokenError, String(error));
        assert.match(error.message, /expired/);
        return true;
      },
    );
  });

  it('refuses a token whose nbf is in the future (beyond the clock tolerance)', async () => {
    await assert.rejects(
      verifier.verifyAccessToken(await sign({ nbf: nowSeconds() + 60 })),
      InvalidTokenError,
    );
  });

  it('refuses a token signed by another key, even under the same kid', async () => {
    await assert.rejects(
      verifier.verifyAccessToken(await sign({}, {}, otherKeyPair.privateKey)),
      InvalidTokenError,
    );
  });

  it('refuses a token without aud (RFC 9068 §2.2: aud is required)', async () => {
    await assert.rejects(verifier.verifyAccessToken(await sign({ aud: undefined })), InvalidTokenError);
  });

  it('refuses a token without exp (RFC 9068 §2.2: exp is required)', async () => {
    await assert.rejects(verifier.verifyAccessToken(await sign({ exp: undefined })), InvalidTokenError);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign()).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: RESOURCE, scope: 'user admin', exp: 9e9 }));
    await assert.rejects(
      verifier.verifyAccessToken(`${header}.${forged.toString('base64url')}.${signature}`),
      InvalidTokenError,
    );
  });

  it('refuses input that is not a JWT as an invalid token, not another error', async () => {
    await assert.rejects(verifier.verifyAccessToken('not-a-jwt'), InvalidTokenError);
  });

  describe('remembering verified tokens', () => {
    /** A verifier whose key lookups are counted and whose clock the test moves. */
    async function countingVerifier() {
      const jwk = { ...(await exportJWK(keyPair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
      const local = createLocalJWKSet({ keys: [jwk] });
      const clock = { now: Date.now() };
      const counter = { lookups: 0 };
      const counted: JWTVerifyGetKey = (...args) => {
        counter.lookups += 1;
        return local(...args);
      };
      const cached = createJwtVerifier({
        issuer: ISSUER,
        jwksUri: 'http://127.0.0.1:1/never-fetched',
        keys: counted,
        now: () => clock.now,
      });
      return { cached, clock, counter };
    }

    it('checks the signature of a token once, then answers the same claims from memory', async () => {
      const { cached, counter } = await countingVerifier();
      const token = await sign();
      const first = await cached.verifyAccessToken(token);
      const second = await cached.verifyAccessToken(token);
      assert.equal(counter.lookups, 1);
      assert.deepEqual(second, first);
      assert.deepEqual(cached.cacheStats?.(), { hits: 1, misses: 1 });
    });

    it('verifies again once the remembered token reaches its exp', async () => {
      const { cached, clock, counter } = await countingVerifier();
      const token = await sign({ exp: nowSeconds() + 120 });
      await cached.verifyAccessToken(token);
      clock.now += 121_000;
      await cached.verifyAccessToken(token);
      assert.equal(counter.lookups, 2, 'a token past its exp is not answered from memory');
    });

    it('verifies again after ten minutes even when exp is later (a removed signing key stops working)', async () => {
      const { cached, clock, counter } = await countingVerifier();
      const token = await sign({ exp: nowSeconds() + 3600 });
      await cached.verifyAccessToken(token);
      clock.now += 9 * 60_000;
      await cached.verifyAccessToken(token);
      assert.equal(counter.lookups, 1);
      clock.now += 2 * 60_000;
      await cached.verifyAccessToken(token);
      assert.equal(counter.lookups, 2);
    });

    it('does not remember a refusal: a bad token is checked and refused every time', async () => {
      const { cached, counter } = await countingVerifier();
      const token = await sign({}, {}, otherKeyPair.privateKey);
      await assert.rejects(cached.verifyAccessToken(token), InvalidTokenError);
      await assert.rejects(cached.verifyAccessToken(token), InvalidTokenError);
      assert.equal(counter.lookups, 2);
    });

    it('keys the memory by the whole token: a token differing in its signature is verified, and refused', async () => {
      const { cached } = await countingVerifier();
      const token = await sign();
      await cached.verifyAccessToken(token);
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${Buffer.alloc(64, 1).toString('base64url')}`;
      await assert.rejects(cached.verifyAccessToken(forged), InvalidTokenError);
    });
  });
});
