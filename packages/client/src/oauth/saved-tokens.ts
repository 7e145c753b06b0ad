import type { StoredOAuthTokens } from '@modelcontextprotocol/client';
import type { StoredDpopKey } from './dpop-keys.ts';

/** Tokens on disk, with the moment they expire (epoch ms) so a refresh can come first. */
export interface SavedTokens {
  readonly issuer: string;
  readonly tokens: StoredOAuthTokens;
  readonly savedAt: number;
  readonly expiresAt?: number;
  /** The DPoP key DPoP-bound tokens are bound to (RFC 9449); the file is owner-only (0600). */
  readonly dpopKey?: StoredDpopKey;
}

/** Refresh this long before the access token expires, not after a failed call. */
const REFRESH_MARGIN_MS = 60_000;

/** The record for tokens just issued by `issuer`; RFC 6749 §5.1 `expires_in` counts from now. */
export function savedTokensOf(
  tokens: StoredOAuthTokens,
  issuer: string,
  dpopKey?: StoredDpopKey,
  now = Date.now(),
): SavedTokens {
  return {
    issuer,
    tokens,
    savedAt: now,
    ...(dpopKey ? { dpopKey } : {}),
    ...(typeof tokens.expires_in === 'number' ? { expiresAt: now + tokens.expires_in * 1000 } : {}),
  };
}

/** Whether the access token expires within the refresh margin (or has expired). */
export function expiresSoon(saved: SavedTokens, now = Date.now()): boolean {
  return saved.expiresAt !== undefined && saved.expiresAt - now <= REFRESH_MARGIN_MS;
}
