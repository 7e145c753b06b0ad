import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/client';
import {
  challengesOnlyDpop,
  dpopAlgorithmFor,
  dpopSessionOf,
  newDpopKey,
} from '../../src/oauth/dpop-keys.ts';

/** What discovery found: the AS's DPoP algorithms and whether the server requires bound tokens. */
function discovered(algs: string[] | undefined, required: boolean | undefined): OAuthDiscoveryState {
  return {
    authorizationServerUrl: 'http://127.0.0.1:9000',
    authorizationServerMetadata: {
      issuer: 'http://127.0.0.1:9000',
      authorization_endpoint: 'http://127.0.0.1:9000/auth',
      token_endpoint: 'http://127.0.0.1:9000/token',
      response_types_supported: ['code'],
      ...(algs ? { dpop_signing_alg_values_supported: algs } : {}),
    },
    resourceMetadata: {
      resource: 'http://localhost:8001/mcp',
      ...(required === undefined ? {} : { dpop_bound_access_tokens_required: required }),
    },
  } as OAuthDiscoveryState;
}

describe('when a sign-in asks for DPoP-bound tokens (RFC 9449 §5.1, RFC 9728 §2)', () => {
  it('auto: only when the server requires them and the AS lists an algorithm this client has', () => {
    assert.equal(dpopAlgorithmFor('auto', discovered(['ES256', 'EdDSA'], true)), 'ES256');
    assert.equal(dpopAlgorithmFor('auto', discovered(['EdDSA'], true)), 'EdDSA');
    assert.equal(dpopAlgorithmFor('auto', discovered(['ES256'], false)), undefined, 'not required');
    assert.equal(dpopAlgorithmFor('auto', discovered(['ES256'], undefined)), undefined, 'not said');
    assert.equal(dpopAlgorithmFor('auto', discovered(undefined, true)), undefined, 'the AS has no DPoP');
    assert.equal(dpopAlgorithmFor('auto', discovered(['RS512'], true)), undefined, 'no algorithm in common');
    assert.equal(dpopAlgorithmFor('auto', undefined), undefined);
  });

  it('auto: also when the server challenges with DPoP only (RFC 9449 §7.1), never past --no-dpop', () => {
    assert.equal(dpopAlgorithmFor('auto', discovered(['ES256'], undefined), true), 'ES256');
    assert.equal(
      dpopAlgorithmFor('auto', discovered(undefined, undefined), true),
      undefined,
      'the AS has no DPoP',
    );
    assert.equal(dpopAlgorithmFor('never', discovered(['ES256'], undefined), true), undefined);
  });

  it('--dpop: always, ES256 unless the AS lists EdDSA alone; --no-dpop: never', () => {
    assert.equal(dpopAlgorithmFor('always', discovered(undefined, undefined)), 'ES256');
    assert.equal(dpopAlgorithmFor('always', discovered(['EdDSA'], undefined)), 'EdDSA');
    assert.equal(dpopAlgorithmFor('never', discovered(['ES256'], true)), undefined);
  });
});

describe('a stored DPoP key', () => {
  it('signs as the key it was made as: same thumbprint after being stored and read back', async () => {
    const made = await newDpopKey('ES256');
    const stored = JSON.parse(JSON.stringify(made.stored));
    const read = await dpopSessionOf(stored);
    assert.equal(read?.thumbprint, made.session.thumbprint);
    assert.equal(read?.alg, 'ES256');
    const eddsa = await newDpopKey('EdDSA');
    assert.equal(
      (await dpopSessionOf(JSON.parse(JSON.stringify(eddsa.stored))))?.thumbprint,
      eddsa.session.thumbprint,
    );
  });

  it('a damaged or foreign stored key is no key (a sign-in follows), never a crash', async () => {
    assert.equal(await dpopSessionOf(undefined), undefined);
    assert.equal(await dpopSessionOf({ alg: 'ES256', privateJwk: { kty: 'EC' } }), undefined);
    assert.equal(
      await dpopSessionOf({ alg: 'HS256' as never, privateJwk: { kty: 'oct', k: 'x', d: 'y' } }),
      undefined,
    );
    assert.equal(
      await dpopSessionOf({
        alg: 'ES256',
        privateJwk: { kty: 'EC', crv: 'P-256', d: 'bad', x: 'x', y: 'y' },
      }),
      undefined,
    );
  });
});

describe('a 401 challenge that accepts DPoP only (RFC 9449 §7.1, RFC 9110 §11.6.1)', () => {
  it('is one that names the DPoP scheme and not Bearer', () => {
    assert.equal(
      challengesOnlyDpop('DPoP resource_metadata="http://x/.well-known/oauth-protected-resource"'),
      true,
    );
    assert.equal(challengesOnlyDpop('DPoP algs="ES256 EdDSA", error="invalid_token"'), true);
    assert.equal(challengesOnlyDpop('dpop'), true, 'schemes are case-insensitive');
    assert.equal(challengesOnlyDpop('Bearer resource_metadata="http://x/m", DPoP algs="ES256"'), false);
    assert.equal(challengesOnlyDpop('Bearer error="invalid_token"'), false);
    assert.equal(challengesOnlyDpop(null), false);
    assert.equal(challengesOnlyDpop(''), false);
  });

  it('reads parameters as parameters, whatever their quoted values hold', () => {
    assert.equal(challengesOnlyDpop('Bearer realm="a, DPoP b", scope = "user"'), false);
    assert.equal(challengesOnlyDpop('DPoP realm="x, Bearer y"'), true);
    assert.equal(challengesOnlyDpop('DPoP bearer=1'), true, 'a parameter named bearer is no scheme');
  });
});
