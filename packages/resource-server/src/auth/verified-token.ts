/** What a verifier learned about an access token; the one shape both verifiers produce. */
export interface VerifiedToken {
  readonly subject: string | undefined;
  /** RFC 7662 §2.2 `username`, when the AS gives one. */
  readonly username?: string | undefined;
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
  /** The `aud` claim, always as a list. */
  readonly audience: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly issuer: string | undefined;
}

export interface TokenVerifier {
  /** Resolves for an active token; rejects with InvalidTokenError otherwise. */
  verify(token: string): Promise<VerifiedToken>;
  readonly kind: 'introspection' | 'jwt';
  /** Cache statistics, where there is a cache. */
  cacheStats?(): { hits: number; misses: number };
}

/** The token is missing, unknown, expired, revoked or otherwise unusable: 401 invalid_token. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The AS could not be asked (down, misconfigured): 503, never a silent acceptance. */
export class VerifierUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifierUnavailableError';
  }
}
