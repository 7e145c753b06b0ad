import type { DpopSession, OAuthDiscoveryState } from '@modelcontextprotocol/client';
import {
  challengesOnlyDpop,
  type DpopMode,
  dpopAlgorithmFor,
  dpopSessionOf,
  newDpopKey,
  type StoredDpopKey,
} from './dpop-keys.ts';

/** A DPoP key in use: its session (signing, nonces) and what is stored of it. */
interface DpopKeyInUse {
  readonly session: DpopSession;
  readonly stored: StoredDpopKey;
}

/** RFC 9449 §5: the AS answers `token_type` DPoP for bound tokens (case-insensitive, RFC 6749 §5.1). */
export function isDpopTokenType(tokenType: string | undefined): boolean {
  return tokenType?.toLowerCase() === 'dpop';
}

/**
 * The DPoP keys of one server's sign-in (RFC 9449): the key made for a sign-in (or first bound
 * refresh) in progress, until its tokens are saved, and the session of the saved tokens' key, kept
 * so that its nonces persist across requests.
 */
export class DpopKeyHolder {
  readonly #mode: DpopMode;
  #pending: DpopKeyInUse | undefined;
  #saved: { readonly json: string; readonly session: DpopSession | undefined } | undefined;
  /** The MCP server's last 401 challenged with DPoP only (RFC 9449 §7.1). */
  #challengedOnlyDpop = false;

  constructor(mode: DpopMode) {
    this.#mode = mode;
  }

  /** The MCP server's 401 `WWW-Authenticate`: does it accept DPoP only? */
  noteChallenge(header: string | null): void {
    this.#challengedOnlyDpop = challengesOnlyDpop(header);
  }

  /** A new sign-in: a new key, when it asks for DPoP-bound tokens. */
  async startSignIn(discovery: OAuthDiscoveryState | undefined): Promise<void> {
    const alg = dpopAlgorithmFor(this.#mode, discovery, this.#challengedOnlyDpop);
    this.#pending = alg ? await newDpopKey(alg) : undefined;
  }

  /**
   * The key that signs a token request: the sign-in's in progress; else the saved tokens' key (a
   * refresh of bound tokens must be signed by it, RFC 9449 §5); else, when bound tokens are now
   * wanted, a new key for the refresh to bind the next access token to.
   */
  async forTokenRequest(
    savedKey: StoredDpopKey | undefined,
    discovery: OAuthDiscoveryState | undefined,
  ): Promise<DpopSession | undefined> {
    if (this.#pending) return this.#pending.session;
    if (savedKey) return this.sessionOf(savedKey);
    const alg = dpopAlgorithmFor(this.#mode, discovery, this.#challengedOnlyDpop);
    if (!alg) return undefined;
    this.#pending = await newDpopKey(alg);
    return this.#pending.session;
  }

  /** The key to store with tokens being saved: bound tokens keep the key they were bound to. */
  keyToStore(tokenType: string | undefined, savedKey: StoredDpopKey | undefined): StoredDpopKey | undefined {
    const key = isDpopTokenType(tokenType) ? (this.#pending?.stored ?? savedKey) : undefined;
    this.#pending = undefined;
    return key;
  }

  /** The signing session of a stored key, made once per key. */
  async sessionOf(stored: StoredDpopKey): Promise<DpopSession | undefined> {
    const json = JSON.stringify(stored);
    if (this.#saved?.json !== json) this.#saved = { json, session: await dpopSessionOf(stored) };
    return this.#saved.session;
  }

  /** An operation ended: a key made for a sign-in that did not finish is dropped. */
  forgetPending(): void {
    this.#pending = undefined;
  }
}
