import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { InvalidTokenError, type TokenVerifier, VerifierUnavailableError } from './verified-token.ts';

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly jwksUri: string;
  /** For tests: a key source other than the remote JWKS. */
  readonly keys?: JWTVerifyGetKey;
}

/**
 * RFC 9068 JWT access tokens, verified locally with the AS's published keys: signature, `typ`
 * `at+jwt` (§4: so an ID token cannot pass as an access token), `iss`, `exp` and `nbf`. The
 * audience and scopes are checked by the caller, as for introspection. The JWKS is fetched on
 * demand and refetched when an unknown `kid` appears (key rotation), with a cooldown.
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const keys =
    options.keys ??
    createRemoteJWKSet(new URL(options.jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  return {
    kind: 'jwt',
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          typ: 'at+jwt',
          algorithms: ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
          clockTolerance: 5,
          requiredClaims: ['exp', 'aud'],
        });
        return {
          subject: payload.sub,
          ...(typeof payload.username === 'string' ? { username: payload.username } : {}),
          clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
          scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
          audience: (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
            (entry): entry is string => typeof entry === 'string',
          ),
          expiresAt: Number(payload.exp),
          issuer: payload.iss,
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
    },
  };
}
