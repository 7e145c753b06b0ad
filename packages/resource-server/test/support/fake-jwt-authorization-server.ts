import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** The protected header of a token the fake AS signs; `typ: undefined` leaves it out. */
export interface SigningHeader {
  readonly alg?: string;
  readonly kid?: string;
  readonly typ?: string | undefined;
}

/**
 * A stand-in authorization server for RFC 9068 JWT access tokens: RFC 8414 metadata and a JWKS
 * with one ES256 key, and the private key to sign with, so a test can make tokens that are right
 * in every way but one. It also keeps a second key pair the JWKS does not publish.
 */
export interface FakeJwtAuthorizationServer {
  readonly issuer: string;
  /** The published key, as SPKI PEM: what a key-confusion attacker uses as an HMAC secret. */
  readonly publicKeyPem: string;
  /** Signs `claims` over a valid claim set for `audience`; a claim set to undefined is left out. */
  sign(
    audience: string,
    claims?: JWTPayload,
    header?: SigningHeader,
    key?: 'published' | 'unpublished',
  ): Promise<string>;
  close(): Promise<void>;
}

export const KID = 'published-key';

export async function startFakeJwtAuthorizationServer(): Promise<FakeJwtAuthorizationServer> {
  const published: KeyPair = await generateKeyPair('ES256', { extractable: true });
  const unpublished: KeyPair = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid: KID, alg: 'ES256', use: 'sig' }] };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/oauth-authorization-server'
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : req.url === '/jwks'
          ? jwks
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ? JSON.stringify(body) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    publicKeyPem: await exportSPKI(published.publicKey),
    async sign(audience, claims = {}, header = {}, key = 'published') {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        sub: 'alice',
        aud: audience,
        client_id: 'cli',
        scope: 'user',
        iat: now,
        exp: now + 300,
        jti: `jti-${Math.random()}`,
        ...claims,
      };
      const typ = 'typ' in header ? header.typ : 'at+jwt';
      return new SignJWT(payload)
        .setProtectedHeader({
          alg: header.alg ?? 'ES256',
          kid: header.kid ?? KID,
          ...(typ === undefined ? {} : { typ }),
        })
        .sign(key === 'published' ? published.privateKey : unpublished.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
