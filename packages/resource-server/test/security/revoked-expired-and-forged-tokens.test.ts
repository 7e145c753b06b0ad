import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { SignJWT } from 'jose';
import { type RunningResourceServer, startResourceServer } from '../../src/index.ts';
import {
  type FakeJwtAuthorizationServer,
  KID,
  startFakeJwtAuthorizationServer,
} from '../support/fake-jwt-authorization-server.ts';
import { INITIALIZE, parseChallenge, post } from '../support/mcp-requests.ts';
import { startStack } from '../support/stack.ts';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * RFC 9068 §4 and RFC 8725 (JWT best current practices): a JWT access token is accepted only when
 * its signature verifies with a key the AS publishes, under an algorithm the RS expects (never
 * `none`, never a MAC keyed with the public key), with `typ` `at+jwt`, the AS's `iss`, and `exp`
 * and `nbf` that hold now. Each forgery below is right in every other way, so each refusal is
 * that one check's.
 */
describe('forged JWT access tokens (a resource server verifying JWTs)', () => {
  let fake: FakeJwtAuthorizationServer;
  let rs: RunningResourceServer;
  before(async () => {
    fake = await startFakeJwtAuthorizationServer();
    rs = await startResourceServer(
      { port: 0, authServer: fake.issuer, tokenVerification: 'jwt' },
      { logger: silentLogger },
    );
  });
  after(async () => {
    await rs?.close();
    await fake?.close();
  });

  const statusWith = async (token: string) => {
    const response = await post(rs.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
    await response.body?.cancel();
    return { status: response.status, challenge: response.headers.get('www-authenticate') };
  };

  async function assertRefused(token: string, what: string) {
    const { status, challenge } = await statusWith(token);
    assert.equal(status, 401, what);
    assert.equal(parseChallenge(challenge).error, 'invalid_token', what);
  }

  it('the control: a token right in every way opens the server', async () => {
    assert.equal((await statusWith(await fake.sign(rs.resourceUrl))).status, 200);
  });

  it('RFC 8725 §3.1: alg "none" (no signature) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: fake.issuer, sub: 'alice', aud: rs.resourceUrl, scope: 'user', exp: now + 300 };
    for (const alg of ['none', 'None', 'NONE']) {
      await assertRefused(`${base64url({ alg, typ: 'at+jwt' })}.${base64url(claims)}.`, `alg ${alg}`);
    }
  });

  it('RFC 8725 §2.1: HS256 keyed with the published public key (algorithm confusion) is refused', async () => {
    const secret = new TextEncoder().encode(fake.publicKeyPem);
    const token = await new SignJWT({
      sub: 'alice',
      aud: rs.resourceUrl,
      scope: 'user admin',
      client_id: 'cli',
    })
      .setProtectedHeader({ alg: 'HS256', kid: KID, typ: 'at+jwt' })
      .setIssuer(fake.issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    await assertRefused(token, 'HS256 with the public key');
  });

  it('RFC 9068 §4: a key the AS does not publish is refused, under an unknown kid or the published one', async () => {
    await assertRefused(
      await fake.sign(rs.resourceUrl, {}, { kid: 'attacker-key' }, 'unpublished'),
      'unknown kid',
    );
    await assertRefused(await fake.sign(rs.resourceUrl, {}, {}, 'unpublished'), 'the published kid');
  });

  it('RFC 9068 §4: a typ other than at+jwt (an ID token, a plain JWT, none) is refused', async () => {
    for (const typ of ['JWT', 'id_token+jwt', 'application/jwt', undefined]) {
      await assertRefused(await fake.sign(rs.resourceUrl, {}, { typ }), `typ ${typ}`);
    }
  });

  it('RFC 9068 §4: a token naming another issuer, or none, is refused', async () => {
    await assertRefused(await fake.sign(rs.resourceUrl, { iss: 'https://evil.example' }), 'another iss');
    await assertRefused(await fake.sign(rs.resourceUrl, { iss: `${fake.issuer}/` }), 'iss with a slash');
    await assertRefused(await fake.sign(rs.resourceUrl, { iss: undefined }), 'no iss');
  });

  it('RFC 7519 §4.1.4, §4.1.5: an expired token, and one not valid before a future time, are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(await fake.sign(rs.resourceUrl, { iat: now - 900, exp: now - 60 }), 'expired');
    await assertRefused(await fake.sign(rs.resourceUrl, { nbf: now + 60 }), 'nbf in the future');
    await assertRefused(await fake.sign(rs.resourceUrl, { exp: undefined }), 'no exp');
  });

  it('RFC 7515 §5.2: a bad signature, or a payload changed under a good one, is refused', async () => {
    const [header, payload, signature = ''] = (await fake.sign(rs.resourceUrl)).split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await assertRefused(`${header}.${payload}.${flipped}`, 'a flipped signature character');
    const escalated = base64url({
      ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
      scope: 'user admin',
    });
    await assertRefused(`${header}.${escalated}.${signature}`, 'scope widened under the old signature');
    await assertRefused(`${header}.${payload}`, 'no signature part');
  });
});

/*
 * Below, time passes on a mocked clock (node:test's `mock.timers`, `Date` only) that the AS and
 * the RS of each stack read, both being in this process and started after it is mocked: no test
 * waits for real time to pass.
 */
describe('expired tokens', () => {
  it('RFC 6750 §3.1: an expired token is refused', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const stack = await startStack({ introspectionCacheSeconds: 30 }, { accessTokenTtlSeconds: 1 });
    try {
      const token = await stack.token();
      t.mock.timers.tick(2100);
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_token');
    } finally {
      await stack.close();
    }
  });
});

describe('revoked tokens and the verification cache', () => {
  it('RFC 7009 §2: a revoked token is refused once the cache maximum age has passed', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    // Its own stack: the RS reads the clock that was current when it started.
    const stack = await startStack({ introspectionCacheSeconds: 1 });
    try {
      const token = await stack.token();
      const first = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(first.status, 200);
      await stack.revoke(token);
      t.mock.timers.tick(1200);
      const afterRevocation = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(afterRevocation.status, 401);
    } finally {
      await stack.close();
    }
  });

  it('RFC 7009 §2: with no introspection cache, a revoked token is refused at the very next request', async () => {
    const stack = await startStack({ introspectionCacheSeconds: 0 });
    try {
      const token = await stack.token();
      const first = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(first.status, 200);
      await first.body?.cancel();
      await stack.revoke(token);
      const next = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(next.status, 401);
    } finally {
      await stack.close();
    }
  });
});
