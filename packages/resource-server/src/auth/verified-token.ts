import type { AuthInfo, OAuthTokenVerifier } from '@modelcontextprotocol/server';

/** Who the caller is beyond AuthInfo's own fields: the `extra` of every AuthInfo this server makes. */
export type CallerIdentity = {
  readonly subject: string | undefined;
  /** RFC 7662 §2.2 `username`, when the AS gives one. */
  readonly username?: string | undefined;
  /** The `aud` claim, always as a list. */
  readonly audience: readonly string[];
  readonly issuer: string | undefined;
};

/** AuthInfo as this server's verifiers make it: the expiry always known, `extra` always the identity. */
export interface VerifiedAuthInfo extends AuthInfo {
  /** Epoch seconds. */
  expiresAt: number;
  extra: CallerIdentity;
  /**
   * RFC 9449 §6: the thumbprint (RFC 7638) of the key the token is bound to, its `cnf.jkt`; such
   * a token is accepted only with a DPoP proof signed by that key.
   */
  boundKeyThumbprint?: string;
}

/** What checking a token learned: its AuthInfo without the token itself, which no cache keeps. */
export type VerifiedToken = Omit<VerifiedAuthInfo, 'token'>;

export interface TokenCacheStats {
  readonly hits: number;
  readonly misses: number;
}

/**
 * The MCP SDK's verifier interface, narrowed to this server's AuthInfo. `verifyAccessToken`
 * resolves for an active token and rejects with `InvalidTokenError` (401) for any other, or with
 * `VerifierUnavailableError` (503) when the AS cannot be asked.
 */
export interface TokenVerifier extends OAuthTokenVerifier {
  verifyAccessToken(token: string): Promise<VerifiedAuthInfo>;
  readonly kind: 'introspection' | 'jwt';
  /** Cache statistics, where there is a cache. */
  cacheStats?(): TokenCacheStats;
}

/** The one way to read AuthInfo.extra: the caller, for an AuthInfo this server's verifiers made. */
export function callerIdentity(authInfo: AuthInfo | undefined): CallerIdentity | undefined {
  return (authInfo as Partial<VerifiedAuthInfo> | undefined)?.extra;
}

/**
 * Whom a session belongs to (MCP security best practices, "Session Hijacking"): an issuer's
 * subject (a person), or the client itself for machine tokens, which have no subject.
 */
export function sessionOwner(authInfo: VerifiedAuthInfo): string {
  const { issuer, subject } = authInfo.extra;
  return JSON.stringify([issuer ?? '', subject ?? `client:${authInfo.clientId}`]);
}

/** A request's caller once its token passed: its AuthInfo, and whom its sessions belong to. */
export interface Caller {
  readonly authInfo: VerifiedAuthInfo;
  readonly principal: string;
}
