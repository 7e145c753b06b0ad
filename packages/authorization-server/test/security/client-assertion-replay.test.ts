import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DEMO_RESOURCE } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * RFC 7523 §3 and RFC 7521 §5.2: a client authenticating with its own key sends a signed
 * assertion whose `jti` makes it single-use. Whoever copies one (from a log, a proxy) must not be
 * able to authenticate as the client with it again while it has not expired.
 */
describe('client assertion replay (private_key_jwt)', () => {
  let server: TestAuthorizationServer;
  let clientId: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  before(async () => {
    server = await startTestServer();
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const client = await server.registerClient({
      name: 'Signed job',
      grantTypes: ['client_credentials'],
      scope: 'user',
      authMethod: 'private_key_jwt',
      jwks: { keys: [jwk] },
    });
    clientId = client.client_id;
  });
  after(() => server.dispose());

  const assertion = (jti = randomUUID(), audience = server.issuer) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);

  const requestToken = (clientAssertion: string) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: DEMO_RESOURCE,
        scope: 'user',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: clientAssertion,
      }),
    });

  it('RFC 7523 §3: an assertion used once is refused the second time', async () => {
    const used = await assertion();
    assert.equal((await requestToken(used)).status, 200);
    const replay = await requestToken(used);
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_client');
  });

  it('RFC 7523 §3: a new assertion reusing a spent jti is refused too', async () => {
    const jti = randomUUID();
    assert.equal((await requestToken(await assertion(jti))).status, 200);
    const again = await requestToken(await assertion(jti));
    assert.equal(again.status, 401);
  });

  it('RFC 7523 §3: an assertion for another audience is refused', async () => {
    const response = await requestToken(await assertion(randomUUID(), 'https://other-as.example'));
    assert.equal(response.status, 401);
  });
});
