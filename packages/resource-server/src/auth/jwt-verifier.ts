import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { InvalidTokenError, VerifierUnavailableError } from '../errors.ts';
import { confirmationThumbprint } from './confirmation.ts';
import { cacheVerifiedTokens } from './token-cache.ts';
import type { TokenVerifier, VerifiedToken } from './verified-token.ts';

/** As long as a fetched JWKS is trusted (`cacheMaxAge` below): a removed key stops working within it. */
const VERIFIED_TOKEN_MAX_AGE_MS = 10 * 60_000;

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly jwksUri: string;
  /** For tests: a key source other than the remote JWKS. */
  readonly keys?: JWTVerifyGetKey;
  /** Verified tokens remembered (by hash); default 10,000. */
  readonly cacheSize?: number;
  /** The clock (epoch ms) of the cache and of `exp`/`nbf` checks. */
  readonly now?: () => number;
  /**
   * Least time between two fetches of the JWKS (default 30 s): a token with an unknown `kid`
   * makes the verifier fetch it again (key rotation) at most this often, so made-up `kid`s cannot
   * turn into a flood of requests to the AS.
   */
  readonly jwksRefetchCooldownMs?: number;
}

/** Default of `jwksRefetchCooldownMs`. */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;

/**
 * RFC 9068 JWT access tokens, verified locally with the AS's published keys: signature, `typ`
 * `at+jwt` (§4: so an ID token cannot pass as an access token), `iss`, `exp` and `nbf`. The
 * audience and scopes are checked by the caller, as for introspection. The JWKS is fetched on
 * demand and refetched when an unknown `kid` appears (key rotation), with a cooldown.
 *
 * A verified token is remembered (token-cache.ts) until its `exp` and no longer than the key set
 * is trusted, so a key removed from the JWKS stops working within that time.
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const keys =
    options.keys ??
    createRemoteJWKSet(new URL(options.jwksUri), {
      cooldownDuration: options.jwksRefetchCooldownMs ?? JWKS_REFETCH_COOLDOWN_MS,
      cacheMaxAge: VERIFIED_TOKEN_MAX_AGE_MS,
    });
  const now = options.now ?? Date.now;

  async function verifySignedToken(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
        clockTolerance: 5,
        currentDate: new Date(now()),
        requiredClaims: ['exp', 'aud'],
      });
      const boundKeyThumbprint = confirmationThumbprint(payload.cnf);
      return {
        ...(boundKeyThumbprint ? { boundKeyThumbprint } : {}),
        clientId: typeof payload.client_id === 'string' ? payload.client_id : '',
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        expiresAt: Number(payload.exp),
        extra: {
          subject: payload.sub,
          ...(typeof payload.username === 'string' ? { username: payload.username } : {}),
          audience: (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
            (entry): entry is string => typeof entry === 'string',
          ),
          issuer: payload.iss,
        },
      };
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw new VerifierUnavailableError('the authorization server keys could not be fetched', {
          cause: error,
        });
      }
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('the access token has expired');
      if (error instanceof errors.JOSEError) throw new InvalidTokenError('the access token is not valid');
      if (error instanceof TypeError && /fetch/i.test(error.message)) {
        throw new VerifierUnavailableError('the authorization server keys could not be fetched', {
          cause: error,
        });
      }
      throw new InvalidTokenError('the access token is not valid');
    }
  }

  return {
    kind: 'jwt',
    ...cacheVerifiedTokens(verifySignedToken, {
      maxAgeMs: VERIFIED_TOKEN_MAX_AGE_MS,
      maxEntries: options.cacheSize ?? 10_000,
      now,
    }),
  };
}
