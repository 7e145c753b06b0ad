import { hkdfSync } from 'node:crypto';
import type Provider from 'oidc-provider';
import ServerChallenge from 'oidc-provider/lib/helpers/challenge.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

/** RFC 9449 §5.1 `dpop_signing_alg_values_supported`: asymmetric only (RFC 9449 §4.2). */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;

const NONCE_INFO = 'mcp-auth-as DPoP-Nonce (RFC 9449 §8)';

/**
 * The secret oidc-provider derives its server-provided DPoP nonces from (RFC 9449 §8), derived
 * in turn from the cookie-signing key in force: stored with the server's other secrets, so every
 * instance on one data folder or database issues and accepts the same nonces, and a restart does
 * not invalidate the nonces clients hold. Never the cookie key itself (HKDF, RFC 5869).
 */
export function dpopNonceSecret(cookieKeys: readonly string[]): Buffer {
  const signingCookieKey = cookieKeys[0];
  if (!signingCookieKey) throw new Error('no cookie key in force to derive the DPoP nonce secret from');
  return Buffer.from(hkdfSync('sha256', signingCookieKey, Buffer.alloc(0), NONCE_INFO, 32));
}

/**
 * After a key rotation, nonces follow the new cookie key. oidc-provider builds its nonce
 * generator once, in its constructor, from `features.dPoP.nonceSecret`; it is replaced here with
 * one built the same way. A nonce issued under the previous secret is answered with a fresh
 * `use_dpop_nonce` challenge, which the client follows once (RFC 9449 §8.2).
 */
export function installDpopNonceSecret(provider: Provider, cookieKeys: readonly string[]): void {
  const internals = instance(provider);
  if (!internals) return;
  internals.DPoPNonces = new ServerChallenge(dpopNonceSecret(cookieKeys), 'DPoP');
}
