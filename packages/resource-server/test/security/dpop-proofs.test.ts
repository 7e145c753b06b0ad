import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DpopTestKey, dpopProof, generateDpopKey, type ProofClaims } from '@mcp-auth/test-support/dpop';
import { exportJWK } from 'jose';
import { INITIALIZE, post } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/** Every challenge of a WWW-Authenticate value, by scheme (RFC 9110 §11.6.1). */
function challenges(header: string | null): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  for (const part of (header ?? '').split(/,\s*(?=(?:Bearer|DPoP) )/)) {
    const scheme = part.slice(0, part.indexOf(' '));
    const parameters: Record<string, string> = {};
    for (const match of part.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      parameters[match[1] ?? ''] = match[2] ?? '';
    found.set(scheme, parameters);
  }
  return found;
}

for (const mode of ['introspection', 'jwt'] as const) {
  describe(`RFC 9449 DPoP proofs at the resource server (${mode} verification)`, () => {
    let stack: Stack;
    let key: DpopTestKey;
    let token: string;
    before(async () => {
      stack = await startStack(
        { tokenVerification: mode },
        { tokenFormat: mode === 'jwt' ? 'jwt' : 'opaque' },
      );
      key = await generateDpopKey();
      token = await stack.token({ dpopKey: key });
    });
    after(() => stack.close());

    /** POST initialize as `Authorization: DPoP`, with a proof (claims overridable) or `proof` as given. */
    async function send(
      options: { proof?: string | null; claims?: Partial<ProofClaims>; by?: DpopTestKey } = {},
    ) {
      const proof =
        options.proof === undefined
          ? await dpopProof(options.by ?? key, {
              htm: 'POST',
              htu: stack.resourceUrl,
              accessToken: token,
              ...options.claims,
            })
          : options.proof;
      return post(stack.resourceUrl, INITIALIZE, {
        authorization: `DPoP ${token}`,
        ...(proof === null ? {} : { dpop: proof }),
      });
    }

    async function assertProofRefused(response: Response, what: string) {
      assert.equal(response.status, 401, what);
      const dpop = challenges(response.headers.get('www-authenticate')).get('DPoP');
      assert.equal(dpop?.error, 'invalid_dpop_proof', what);
      assert.ok(dpop?.error_description, what);
      await response.body?.cancel();
    }

    it('RFC 9449 §7.1: a DPoP-bound token with a valid proof is accepted', async () => {
      const response = await send();
      assert.equal(response.status, 200, await response.clone().text());
      await response.body?.cancel();
    });

    it('RFC 9449 §11.1: a replayed proof is refused', async () => {
      const proof = await dpopProof(key, { htm: 'POST', htu: stack.resourceUrl, accessToken: token });
      const first = await send({ proof });
      assert.equal(first.status, 200);
      await first.body?.cancel();
      await assertProofRefused(await send({ proof }), 'replayed');
    });

    it('RFC 9449 §4.3: a proof for another URL (htu) or method (htm) is refused; the query is ignored', async () => {
      await assertProofRefused(await send({ claims: { htu: `${stack.resourceUrl}/other` } }), 'htu path');
      await assertProofRefused(
        await send({ claims: { htu: stack.resourceUrl.replace('localhost', '127.0.0.2') } }),
        'htu host',
      );
      await assertProofRefused(await send({ claims: { htm: 'GET' } }), 'htm');
      const withQuery = await send({ claims: { htu: `${stack.resourceUrl}?x=1#f` } });
      assert.equal(withQuery.status, 200, 'htu compared without query and fragment');
      await withQuery.body?.cancel();
    });

    it('RFC 9449 §4.3: a stale proof (iat long past) or one from the future is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      await assertProofRefused(await send({ claims: { iat: now - 3600 } }), 'stale');
      await assertProofRefused(await send({ claims: { iat: now + 3600 } }), 'future');
    });

    it('RFC 9449 §4.3: a proof whose ath is not the hash of this token is refused', async () => {
      await assertProofRefused(await send({ claims: { accessToken: 'another-token' } }), 'wrong ath');
      await assertProofRefused(
        await send({ proof: await dpopProof(key, { htm: 'POST', htu: stack.resourceUrl }) }),
        'no ath',
      );
    });

    it('RFC 9449 §4.2: a proof with another typ, a private key in its header, or no JWT at all is refused', async () => {
      await assertProofRefused(await send({ claims: { header: { typ: 'JWT' } } }), 'typ');
      const privateJwk = await exportJWK(key.privateKey);
      await assertProofRefused(await send({ claims: { header: { jwk: privateJwk } } }), 'private jwk');
      await assertProofRefused(await send({ proof: 'not.a.jwt' }), 'not a JWT');
    });

    it('RFC 9449 §7.1: a bound token without a proof is refused', async () => {
      await assertProofRefused(await send({ proof: null }), 'no DPoP header');
    });

    it('RFC 9449 §4.3: a proof signed by another key than the token is bound to is refused', async () => {
      await assertProofRefused(await send({ by: await generateDpopKey() }), 'another key');
    });

    it('RFC 9449 §7.2: a bound token sent as Bearer is refused with a DPoP invalid_token challenge', async () => {
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      const dpop = challenges(response.headers.get('www-authenticate')).get('DPoP');
      assert.equal(dpop?.error, 'invalid_token');
      await response.body?.cancel();
    });

    it('RFC 9449 §7.1: a 401 offers DPoP (with algs) beside Bearer; unbound Bearer tokens stay accepted', async () => {
      const anonymous = await post(stack.resourceUrl, INITIALIZE);
      assert.equal(anonymous.status, 401);
      const offered = challenges(anonymous.headers.get('www-authenticate'));
      assert.ok(offered.get('Bearer')?.resource_metadata);
      assert.match(offered.get('DPoP')?.algs ?? '', /\bES256\b/);
      assert.doesNotMatch(offered.get('DPoP')?.algs ?? '', /\bHS256\b|\bnone\b/);
      await anonymous.body?.cancel();
      const bearer = await stack.token();
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${bearer}` });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    });

    it('RFC 9449 §7.1: an unbound token sent with the DPoP scheme is refused', async () => {
      const bearer = await stack.token();
      const response = await post(stack.resourceUrl, INITIALIZE, {
        authorization: `DPoP ${bearer}`,
        dpop: await dpopProof(key, { htm: 'POST', htu: stack.resourceUrl, accessToken: bearer }),
      });
      assert.equal(response.status, 401);
      assert.equal(challenges(response.headers.get('www-authenticate')).get('DPoP')?.error, 'invalid_token');
      await response.body?.cancel();
    });
  });
}

describe('--require-dpop (RFC 9449, RFC 9728 §2 dpop_bound_access_tokens_required)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ requireDpop: true });
  });
  after(() => stack.close());

  it('RFC 9728 §2: the resource metadata says DPoP-bound tokens are required and lists the algorithms', async () => {
    const origin = new URL(stack.resourceUrl).origin;
    const metadata = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as {
      dpop_bound_access_tokens_required?: boolean;
      dpop_signing_alg_values_supported?: string[];
    };
    assert.equal(metadata.dpop_bound_access_tokens_required, true);
    assert.ok(metadata.dpop_signing_alg_values_supported?.includes('ES256'));
  });

  it('a Bearer token is refused, and a 401 offers only the DPoP scheme, with the resource metadata', async () => {
    const bearer = await stack.token();
    const refused = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${bearer}` });
    assert.equal(refused.status, 401);
    const offered = challenges(refused.headers.get('www-authenticate'));
    assert.deepEqual([...offered.keys()], ['DPoP']);
    assert.equal(offered.get('DPoP')?.error, 'invalid_token');
    assert.ok(offered.get('DPoP')?.resource_metadata);
    await refused.body?.cancel();
  });

  it('a DPoP-bound token with its proof is accepted', async () => {
    const key = await generateDpopKey();
    const token = await stack.token({ dpopKey: key });
    const response = await post(stack.resourceUrl, INITIALIZE, {
      authorization: `DPoP ${token}`,
      dpop: await dpopProof(key, { htm: 'POST', htu: stack.resourceUrl, accessToken: token }),
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
