import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } from 'jose';

/**
 * RFC 9449 §4.2: the proof is signed with an asymmetric algorithm, never `none` or a MAC. These
 * are announced as `algs` in the DPoP challenge (§7.1) and as
 * `dpop_signing_alg_values_supported` in the resource metadata (RFC 9728 §2).
 */
export const DPOP_PROOF_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;

/** RFC 9449 §11.1: how far a proof's `iat` may lie in the past, and in the future (clock skew). */
export const PROOF_MAX_AGE_SECONDS = 300;
export const PROOF_MAX_SKEW_SECONDS = 60;

/** Longest `jti` kept in the replay cache; RFC 9449 §4.2 asks for 96 bits of randomness, far less. */
const MAX_JTI_LENGTH = 256;

/** A proof the checks of RFC 9449 §4.3 refuse; `message` says which check and what to do. */
export class DpopProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DpopProofError';
  }
}

export interface ProofExpectation {
  /** The request's method (`htm`). */
  readonly method: string;
  /** The URLs this request may be named by (`htu`), without query or fragment. */
  readonly urls: readonly URL[];
  /** The access token sent with the proof (`ath`). */
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's public key: compared with the token's `cnf.jkt`. */
  readonly thumbprint: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
}

/**
 * The checks of RFC 9449 §4.3 a proof makes alone (the replay check needs memory, replay-cache.ts;
 * the key binding needs the token, dpop-presentation.ts): one JWT, `typ` dpop+jwt, an
 * asymmetric `alg`, a public `jwk` (jose's EmbeddedJWK refuses a private one) that verifies the
 * signature, `htm` and `htu` naming this
 * request, a recent `iat`, a `jti`, and `ath` the hash of the token sent with it.
 */
export async function verifyDpopProof(proof: string, expected: ProofExpectation): Promise<VerifiedProof> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof);
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_PROOF_ALGORITHMS],
      currentDate: new Date(expected.now),
    }));
  } catch (error) {
    throw new DpopProofError(`the DPoP proof is not a valid signed JWT: ${joseReason(error)}`);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) {
    throw new DpopProofError(`the DPoP proof needs a jti of 1 to ${MAX_JTI_LENGTH} characters`);
  }
  if (payload.htm !== expected.method) {
    throw new DpopProofError(`the DPoP proof's htm must be this request's method, ${expected.method}`);
  }
  checkHtu(payload.htu, expected.urls);
  const iat = checkIat(payload.iat, expected.now);
  if (payload.ath !== accessTokenHash(expected.accessToken)) {
    throw new DpopProofError(
      "the DPoP proof's ath must be the base64url SHA-256 of the access token sent with it",
    );
  }
  const thumbprint = await calculateJwkThumbprint(header.jwk as Parameters<typeof calculateJwkThumbprint>[0]);
  return { thumbprint, jti: payload.jti, iat };
}

/** RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the ASCII access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * RFC 9449 §4.3 check 9: `htu` is the request's URL without query and fragment, compared after
 * syntax- and scheme-based normalisation (RFC 3986 §6.2.2, §6.2.3): the WHATWG parser lowercases
 * scheme and host, drops the default port and resolves dot segments.
 */
function checkHtu(htu: unknown, urls: readonly URL[]): void {
  const named = typeof htu === 'string' ? URL.parse(htu) : null;
  if (!named) throw new DpopProofError('the DPoP proof needs an htu, the absolute URL of this request');
  named.search = '';
  named.hash = '';
  if (!urls.some((url) => withoutQuery(url) === named.href)) {
    throw new DpopProofError(
      `the DPoP proof's htu (${named.href}) must be the URL of this request, ${withoutQuery(urls[0])}`,
    );
  }
}

function withoutQuery(url: URL | undefined): string {
  if (!url) return '';
  const copy = new URL(url);
  copy.search = '';
  copy.hash = '';
  return copy.href;
}

/** RFC 9449 §4.3 check 11: `iat` within an acceptable window, allowing for clock skew. */
function checkIat(iat: unknown, nowMs: number): number {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new DpopProofError('the DPoP proof needs an iat, the time it was made (epoch seconds)');
  }
  const now = nowMs / 1000;
  if (iat < now - PROOF_MAX_AGE_SECONDS || iat > now + PROOF_MAX_SKEW_SECONDS) {
    throw new DpopProofError(
      `the DPoP proof's iat is not within ${PROOF_MAX_AGE_SECONDS} seconds of this server's clock; make a fresh proof for each request (and check the clock)`,
    );
  }
  return iat;
}

function joseReason(error: unknown): string {
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `alg must be one of ${DPOP_PROOF_ALGORITHMS.join(', ')}`;
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ')
    return 'typ must be dpop+jwt';
  return error instanceof Error ? error.message : String(error);
}
