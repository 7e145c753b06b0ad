import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DpopTestKey, dpopProof, generateDpopKey } from '@mcp-auth/test-support/dpop';
import {
  authorize,
  introspect,
  type RegisteredClient,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { decodeJwt } from 'jose';
import { devIntrospectionAuth } from '../support/signed-in-client.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const OPAQUE_RESOURCE = 'http://localhost:8001/mcp';
const JWT_RESOURCE = 'http://localhost:8002/mcp';

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  token_type: string;
}

describe('RFC 9449 DPoP at the token endpoint', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      resources: [
        { uri: OPAQUE_RESOURCE, name: 'Opaque', scopes: [{ name: 'user', description: 'u' }] },
        { uri: JWT_RESOURCE, name: 'JWT', scopes: [{ name: 'user', description: 'u' }], tokenFormat: 'jwt' },
      ],
    });
  });
  after(() => server.dispose());

  const tokenUrl = () => `${server.issuer}/token`;

  /** One token request, with a proof by `key` when given (and `nonce` in it when given). */
  async function tokenRequest(body: Record<string, string>, key?: DpopTestKey, nonce?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (key)
      headers.dpop = await dpopProof(key, { htm: 'POST', htu: tokenUrl(), ...(nonce ? { nonce } : {}) });
    return fetch(tokenUrl(), { method: 'POST', headers, body: new URLSearchParams(body) });
  }

  /** RFC 9449 §8: the first proof is refused for want of a nonce; the second carries it. */
  async function tokenRequestWithNonce(body: Record<string, string>, key: DpopTestKey) {
    const challenge = await tokenRequest(body, key);
    assert.equal(challenge.status, 400);
    assert.equal(((await challenge.json()) as { error: string }).error, 'use_dpop_nonce');
    const nonce = challenge.headers.get('dpop-nonce');
    assert.ok(nonce, 'a DPoP-Nonce header with the use_dpop_nonce error');
    return tokenRequest(body, key, nonce);
  }

  async function codeFor(
    resource: string,
  ): Promise<{ client: RegisteredClient; body: Record<string, string> }> {
    const client = await registerPublicClient(server.issuer);
    const outcome = await authorize(server.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    return {
      client,
      body: {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        code,
        code_verifier: outcome.verifier,
        redirect_uri: outcome.redirectUri,
        resource,
      },
    };
  }

  async function boundTokens(resource: string, key: DpopTestKey) {
    const { client, body } = await codeFor(resource);
    const response = await tokenRequestWithNonce(body, key);
    assert.equal(response.status, 200, await response.clone().text());
    return { client, tokens: (await response.json()) as TokenAnswer };
  }

  it('RFC 9449 §5.1: the metadata lists dpop_signing_alg_values_supported, asymmetric only', async () => {
    const metadata = (await (
      await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as {
      dpop_signing_alg_values_supported?: string[];
    };
    assert.deepEqual(metadata.dpop_signing_alg_values_supported, ['ES256', 'EdDSA']);
  });

  it('RFC 9449 §8: a proof without a server-provided nonce is answered use_dpop_nonce with a DPoP-Nonce, then accepted', async () => {
    const key = await generateDpopKey();
    const { body } = await codeFor(OPAQUE_RESOURCE);
    const challenge = await tokenRequest(body, key);
    assert.equal(challenge.status, 400);
    assert.equal(((await challenge.json()) as { error: string }).error, 'use_dpop_nonce');
    const nonce = challenge.headers.get('dpop-nonce');
    assert.ok(nonce);
    const answer = await tokenRequest(body, key, nonce);
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(((await answer.json()) as TokenAnswer).token_type, 'DPoP');
  });

  it('RFC 9449 §5, §6.2: a token request with a proof gets token_type DPoP; introspection names cnf.jkt', async () => {
    const key = await generateDpopKey();
    const { tokens } = await boundTokens(OPAQUE_RESOURCE, key);
    assert.equal(tokens.token_type, 'DPoP');
    const details = (await (
      await introspect(server.issuer, tokens.access_token, devIntrospectionAuth(server))
    ).json()) as {
      active: boolean;
      token_type: string;
      cnf?: { jkt?: string };
    };
    assert.equal(details.active, true);
    assert.equal(details.token_type, 'DPoP');
    assert.equal(details.cnf?.jkt, key.thumbprint);
  });

  it('RFC 9449 §6.1: a JWT access token carries cnf.jkt, and so does its introspection', async () => {
    const key = await generateDpopKey();
    const { tokens } = await boundTokens(JWT_RESOURCE, key);
    assert.equal(tokens.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt: key.thumbprint });
    const details = (await (
      await introspect(server.issuer, tokens.access_token, devIntrospectionAuth(server))
    ).json()) as {
      token_type: string;
      cnf?: { jkt?: string };
    };
    assert.equal(details.token_type, 'DPoP');
    assert.equal(details.cnf?.jkt, key.thumbprint);
  });

  it('without a proof the tokens stay Bearer, with no cnf', async () => {
    const { body } = await codeFor(OPAQUE_RESOURCE);
    const response = await tokenRequest(body);
    assert.equal(response.status, 200);
    const tokens = (await response.json()) as TokenAnswer;
    assert.equal(tokens.token_type, 'Bearer');
    const details = (await (
      await introspect(server.issuer, tokens.access_token, devIntrospectionAuth(server))
    ).json()) as {
      cnf?: unknown;
    };
    assert.equal(details.cnf, undefined);
  });

  it("RFC 9449 §5: a public client's refresh token is bound to the key: refused without a proof and with another key's", async () => {
    const key = await generateDpopKey();
    const { client, tokens } = await boundTokens(OPAQUE_RESOURCE, key);
    const body = {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      refresh_token: tokens.refresh_token,
    };

    const withoutProof = await tokenRequest(body);
    assert.equal(withoutProof.status, 400);
    assert.equal(((await withoutProof.json()) as { error: string }).error, 'invalid_grant');

    const otherKey = await generateDpopKey();
    const byOtherKey = await tokenRequestWithNonce(body, otherKey);
    assert.equal(byOtherKey.status, 400);
    assert.equal(((await byOtherKey.json()) as { error: string }).error, 'invalid_grant');

    const byTheKey = await tokenRequestWithNonce(body, key);
    assert.equal(byTheKey.status, 200, await byTheKey.clone().text());
    const next = (await byTheKey.json()) as TokenAnswer;
    assert.equal(next.token_type, 'DPoP');
    const details = (await (
      await introspect(server.issuer, next.access_token, devIntrospectionAuth(server))
    ).json()) as {
      cnf?: { jkt?: string };
    };
    assert.equal(details.cnf?.jkt, key.thumbprint);
  });

  it('RFC 9449 §4.3: a proof for another URL or method is invalid_dpop_proof', async () => {
    const key = await generateDpopKey();
    const { body } = await codeFor(OPAQUE_RESOURCE);
    const challenge = await tokenRequest(body, key);
    const nonce = challenge.headers.get('dpop-nonce') ?? '';
    await challenge.body?.cancel();
    const send = async (proof: string) =>
      fetch(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
        body: new URLSearchParams(body),
      });
    const wrongUrl = await send(await dpopProof(key, { htm: 'POST', htu: `${server.issuer}/other`, nonce }));
    assert.equal(((await wrongUrl.json()) as { error: string }).error, 'invalid_dpop_proof');
    const wrongMethod = await send(await dpopProof(key, { htm: 'GET', htu: tokenUrl(), nonce }));
    assert.equal(((await wrongMethod.json()) as { error: string }).error, 'invalid_dpop_proof');
  });
});

describe('RFC 9449 §8: DPoP nonces across instances', () => {
  it('a nonce one instance provided is accepted by another on the same stored secrets', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-dpop-nonce-'));
    try {
      const first = await startTestServer({ dataDir });
      const key = await generateDpopKey();
      const tokenUrl = `${first.issuer}/token`;
      const post = async (body: Record<string, string>, nonce?: string) =>
        fetch(tokenUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            dpop: await dpopProof(key, { htm: 'POST', htu: tokenUrl, ...(nonce ? { nonce } : {}) }),
          },
          body: new URLSearchParams(body),
        });
      const client = await registerPublicClient(first.issuer);
      const outcome = await authorize(first.issuer, {
        clientId: client.client_id,
        scope: 'user',
        resource: OPAQUE_RESOURCE,
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
      const codeBody = {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        code: outcome.redirect.searchParams.get('code') ?? '',
        code_verifier: outcome.verifier,
        redirect_uri: outcome.redirectUri,
      };
      const challenge = await post(codeBody);
      const nonce = challenge.headers.get('dpop-nonce') ?? '';
      await challenge.body?.cancel();
      const issued = await post(codeBody, nonce);
      assert.equal(issued.status, 200);
      const tokens = (await issued.json()) as TokenAnswer;
      await first.close();

      const second = await startTestServer({ dataDir, port: first.port, issuer: first.issuer });
      try {
        const refreshed = await post(
          { grant_type: 'refresh_token', client_id: client.client_id, refresh_token: tokens.refresh_token },
          nonce,
        );
        assert.equal(refreshed.status, 200, await refreshed.clone().text());
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
