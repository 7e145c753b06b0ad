import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createJwtVerifier } from '../../src/auth/jwt-verifier.ts';
import { InvalidTokenError } from '../../src/errors.ts';

const ISSUER = 'http://127.0.0.1:9000';

/**
 * Key rotation as a JWT-verifying resource server meets it: the AS publishes a new key, then
 * signs with it. The verifier fetches the JWKS again when a token names a `kid` it has not seen,
 * at most once per cooldown, so that tokens with made-up `kid`s cannot make it flood the AS.
 */
describe('JWT verifier: the JWKS is fetched again for an unknown kid (key rotation), at most once per cooldown', () => {
  let server: Server;
  let jwksUri: string;
  const published: JWK[] = [];
  let fetches = 0;
  const signers = new Map<string, CryptoKey>();

  const addKey = async (kid: string) => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    published.push({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' });
    signers.set(kid, privateKey as CryptoKey);
  };
  const tokenSignedBy = (kid: string) =>
    new SignJWT({ scope: 'user', client_id: 'c' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(ISSUER)
      .setAudience('http://localhost:8001/mcp')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signers.get(kid) as CryptoKey);

  before(async () => {
    await addKey('first');
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('within the cooldown an unknown kid is refused without asking the AS; after it, the new key is fetched and accepted', async () => {
    const cautious = createJwtVerifier({ issuer: ISSUER, jwksUri });
    fetches = 0;
    await cautious.verifyAccessToken(await tokenSignedBy('first'));
    assert.equal(fetches, 1);
    await addKey('second');
    const rotated = await tokenSignedBy('second');
    await assert.rejects(cautious.verifyAccessToken(rotated), InvalidTokenError);
    assert.equal(fetches, 1, 'the default 30-second cooldown holds the refetch back');

    const following = createJwtVerifier({ issuer: ISSUER, jwksUri, jwksRefetchCooldownMs: 0 });
    fetches = 0;
    await following.verifyAccessToken(await tokenSignedBy('first'));
    await addKey('third');
    const verified = await following.verifyAccessToken(await tokenSignedBy('third'));
    assert.equal(verified.clientId, 'c');
    assert.equal(fetches, 2, 'the unknown kid made it fetch the JWKS again, once');
  });
});
