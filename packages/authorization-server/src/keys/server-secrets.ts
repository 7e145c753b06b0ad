import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * Everything the AS must keep secret and stable across restarts: the private signing keys
 * (JWKS published at `jwks_uri`) and the keys that sign its cookies.
 */
export interface ServerSecrets {
  readonly signingKeys: { readonly keys: JWK[] };
  readonly cookieKeys: string[];
}

/** Where secrets persist: a file in the data folder (SQLite) or the database (later, PostgreSQL). */
export interface SecretsStore {
  /** Returns the stored secrets, creating and storing them with `create` on first use. */
  loadOrCreate(create: () => Promise<ServerSecrets>): Promise<ServerSecrets>;
}

/**
 * The algorithms the AS signs with, one key each: ES256 first (the algorithm every JOSE library
 * and the MCP SDKs verify), EdDSA second. Both are far cheaper to sign with than RSA and have
 * short keys.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** What tokens and ID tokens are signed with unless a client asks otherwise. */
export const PREFERRED_SIGNING_ALGORITHM: SigningAlgorithm = SIGNING_ALGORITHMS[0];

export async function generateServerSecrets(): Promise<ServerSecrets> {
  const keys: JWK[] = [];
  for (const alg of SIGNING_ALGORITHMS) {
    const { privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, alg, use: 'sig', kid: randomBytes(12).toString('base64url') });
  }
  return { signingKeys: { keys }, cookieKeys: [randomBytes(32).toString('base64url')] };
}

export function isServerSecrets(value: unknown): value is ServerSecrets {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ServerSecrets>;
  return (
    Array.isArray(candidate.signingKeys?.keys) &&
    candidate.signingKeys.keys.length > 0 &&
    candidate.signingKeys.keys.every((key) => typeof key === 'object' && key !== null && 'd' in key) &&
    Array.isArray(candidate.cookieKeys) &&
    candidate.cookieKeys.length > 0 &&
    candidate.cookieKeys.every((key) => typeof key === 'string' && key.length >= 32)
  );
}
