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
