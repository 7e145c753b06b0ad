import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * CSRF protection for the sign-in and consent forms (MCP security considerations, RFC 6749
 * §10.12). Two independent checks:
 * 1. a synchronizer token: HMAC(server key, interaction uid), so only a page we rendered for
 *    this interaction can post to it, verified in constant time;
 * 2. when the browser says where the post comes from (`Origin`, or `Sec-Fetch-Site`), it must
 *    be our own origin.
 * The interaction cookie is also `SameSite=Lax`, so a cross-site post carries no interaction.
 */
export class CsrfProtection {
  readonly #secrets: () => readonly string[];
  readonly #origin: string;
  readonly #derived = new Map<string, Buffer>();

  /**
   * `secrets`: the cookie keys in force, the signing one first. After a key rotation a page
   * rendered with the previous key still posts successfully while that key is accepted.
   */
  constructor(secrets: () => readonly string[], issuerOrigin: string) {
    this.#secrets = secrets;
    this.#origin = issuerOrigin;
  }

  tokenFor(interactionUid: string): string {
    return this.#tokenWith(this.#secrets()[0] ?? '', interactionUid);
  }

  isValid(req: IncomingMessage, interactionUid: string, presented: string | null): boolean {
    if (!this.#isSameOrigin(req)) return false;
    if (!presented) return false;
    const actual = Buffer.from(presented);
    let valid = false;
    // Every accepted key is tried (no early exit), each comparison in constant time.
    for (const secret of this.#secrets()) {
      const expected = Buffer.from(this.#tokenWith(secret, interactionUid));
      if (actual.length === expected.length && timingSafeEqual(actual, expected)) valid = true;
    }
    return valid;
  }

  #tokenWith(secret: string, interactionUid: string): string {
    let key = this.#derived.get(secret);
    if (!key) {
      key = createHmac('sha256', secret).update('mcp-auth interaction csrf v1').digest();
      // Bounded: the keys in force are a handful; a rotation adds one.
      if (this.#derived.size >= 16) this.#derived.clear();
      this.#derived.set(secret, key);
    }
    return createHmac('sha256', key).update(interactionUid).digest('base64url');
  }

  /**
   * Fetch metadata first: browsers that send `Sec-Fetch-Site` say exactly where a post comes
   * from. `Origin` is checked otherwise; our pages use `Referrer-Policy: no-referrer`, under which
   * browsers send `Origin: null` even for same-origin posts, so `null` is only trusted when Fetch
   * metadata vouches for it. With neither header (non-browser clients) the token decides.
   */
  #isSameOrigin(req: IncomingMessage): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin';
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return origin === this.#origin;
  }
}
