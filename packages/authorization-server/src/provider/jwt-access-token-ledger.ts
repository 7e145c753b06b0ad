import type { Adapter } from 'oidc-provider';

/** The storage model of the ledger; its ids (jti) are hashed by the adapter like every token id. */
export const JWT_ACCESS_TOKEN_LEDGER_MODEL = 'JwtAccessToken';

/** What the ledger knows of a JWT access token it issued: ids only, never the token. */
export interface IssuedJwtAccessToken {
  readonly kind: string;
  readonly clientId: string;
  readonly grantId?: string;
  readonly accountId?: string;
}

interface TokenBeingIssued {
  readonly jti: string;
  readonly kind: string;
  readonly clientId?: string | undefined;
  readonly grantId?: string | undefined;
  readonly accountId?: string | undefined;
}

/**
 * The JWT access tokens (RFC 9068) this AS issued that are still good. oidc-provider stores
 * nothing for them (the token is self-contained), so without this the AS could neither revoke
 * one (RFC 7009 §2) nor tell that the grant behind it was revoked.
 *
 * A record is keyed by the token's `jti` (stored as its hash) and carries its grant id, so that
 * revoking a grant (refresh-token reuse, code replay, refresh-token revocation) deletes it with
 * everything else the grant issued. It expires with the token, so the ledger purges itself:
 * a JWT past its `exp` is refused on its own. Introspection answers a JWT whose record is
 * missing as inactive.
 */
export class JwtAccessTokenLedger {
  readonly #adapter: Adapter;
  readonly #nowSeconds: () => number;

  constructor(adapter: Adapter, nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {
    this.#adapter = adapter;
    this.#nowSeconds = nowSeconds;
  }

  /**
   * Records a token about to be signed. Used as oidc-provider's `formats.customizers.jwt`, which
   * is awaited before the token is signed: the record exists before anyone holds the token.
   */
  async recordIssued(token: TokenBeingIssued, exp: number): Promise<void> {
    // oidc-provider always binds an access token to a client; one without would stay unrecorded,
    // so introspection answers it inactive (failing closed).
    if (!token.clientId) return;
    // At least 1: the adapter reads a zero lifetime as "never expires".
    const lifetime = Math.max(1, exp - this.#nowSeconds());
    const record: IssuedJwtAccessToken = {
      kind: token.kind,
      clientId: token.clientId,
      ...(token.grantId ? { grantId: token.grantId } : {}),
      ...(token.accountId ? { accountId: token.accountId } : {}),
    };
    await this.#adapter.upsert(token.jti, { ...record }, lifetime);
  }

  async find(jti: string): Promise<IssuedJwtAccessToken | undefined> {
    const stored = await this.#adapter.find(jti);
    if (!stored || typeof stored.clientId !== 'string' || typeof stored.kind !== 'string') return undefined;
    return {
      kind: stored.kind,
      clientId: stored.clientId,
      ...(typeof stored.grantId === 'string' ? { grantId: stored.grantId } : {}),
      ...(typeof stored.accountId === 'string' ? { accountId: stored.accountId } : {}),
    };
  }

  /** Revokes one token: introspection answers it inactive from now on. */
  async forget(jti: string): Promise<void> {
    await this.#adapter.destroy(jti);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#adapter.revokeByGrantId(grantId);
  }
}
