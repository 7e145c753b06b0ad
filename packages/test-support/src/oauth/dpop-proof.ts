import { createHash, randomUUID } from 'node:crypto';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A DPoP key pair (RFC 9449 §2) for tests, with its RFC 7638 thumbprint. */
export interface DpopTestKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly thumbprint: string;
}

export async function generateDpopKey(): Promise<DpopTestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}

export interface ProofClaims {
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof goes with: `ath` is its SHA-256 (RFC 9449 §4.2). */
  readonly accessToken?: string;
  readonly nonce?: string;
  /** Epoch seconds; now unless given (to make stale proofs). */
  readonly iat?: number;
  readonly jti?: string;
  /** Overrides of the header (`typ`, `jwk`) for malformed proofs. */
  readonly header?: Record<string, unknown>;
  /** Overrides of the claims (`ath`, ...) for malformed proofs. */
  readonly claims?: Record<string, unknown>;
}

/** A DPoP proof JWT (RFC 9449 §4.2), signed with `key`. */
export async function dpopProof(key: DpopTestKey, claims: ProofClaims): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    iat: claims.iat ?? Math.floor(Date.now() / 1000),
    ...(claims.accessToken ? { ath: accessTokenHash(claims.accessToken) } : {}),
    ...(claims.nonce ? { nonce: claims.nonce } : {}),
    ...claims.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...claims.header })
    .sign(key.privateKey);
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the ASCII access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}
