import { applySpelling, type PathSpelling } from './path-spellings.ts';
import type { BodyFraming, RawRequest } from './raw-http.ts';

/**
 * A generated request, as data. Credentials are not generated (they come from the real flows in
 * the test set-up, and some only exist at run time, like a refresh token rotated by an earlier
 * request), so a draft names them: `{ ref: 'accessToken.bearer', pick: 7 }` is "the `bearer`
 * field of entry 7 (modulo the pool's size) of the pool `accessToken`". Refs with the same pool
 * and pick resolve to the same entry, so an interaction's uid, cookie and CSRF token agree.
 */
export interface Ref {
  readonly ref: string;
  readonly pick: number;
}

export type Piece = string | Ref;
export type Text = Piece | readonly Piece[];

export type DraftBody =
  | { readonly kind: 'empty' }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  /** `application/x-www-form-urlencoded`, percent-encoded as browsers do. */
  | { readonly kind: 'form'; readonly fields: ReadonlyArray<readonly [string, Text]> }
  | { readonly kind: 'json'; readonly value: unknown }
  /** A large body made at send time, so the counterexample stays small: `size` bytes of `fill`. */
  | { readonly kind: 'huge'; readonly size: number; readonly fill: number };

export interface Draft {
  /** What the generator meant to exercise, for statistics and failure messages. */
  readonly scenario: string;
  /** Whether valid credentials (token, client secret, session) were put in. */
  readonly authenticated: boolean;
  /** What the test arranges around this request (e.g. the authorization server made unreachable). */
  readonly conditions?: readonly string[];
  readonly method: string;
  readonly path: Text;
  /** How the path is spelled on the wire, applied once its refs are resolved. */
  readonly spelling: PathSpelling;
  readonly query: ReadonlyArray<readonly [string, Text]>;
  /** Set when the query string should be sent as it is, bypassing encoding. */
  readonly rawQuery?: string;
  readonly headers: ReadonlyArray<readonly [string, Text]>;
  readonly body: DraftBody;
  readonly framing: BodyFraming;
  /** Text-encoding of JSON and form bodies: `utf8`, or a wrong one (`utf16le`, `latin1`). */
  readonly charset: BufferEncoding;
}

/**
 * Named lists of credentials and other server-issued values, filled in the set-up through the
 * real flows and refreshed from responses (a rotated refresh token, a new session id).
 */
export class CredentialPools {
  readonly #pools = new Map<string, Array<Readonly<Record<string, string>>>>();
  readonly #singleUse = new Set<string>();
  readonly #usedInThisRequest = new Set<Readonly<Record<string, string>>>();
  readonly #limit: number;

  constructor(limit = 64) {
    this.#limit = limit;
  }

  /**
   * Entries of this pool are used up by one request (codes, refresh tokens that rotate): once a
   * request has named one, it leaves the pool; an empty pool gives a value no server issued.
   * Reusing them would be a replay, which revokes the whole grant (RFC 6749 §4.1.2, OAuth 2.1
   * §4.3.1) and with it every token the fuzzer holds from that grant.
   */
  singleUse(pool: string): void {
    this.#singleUse.add(pool);
  }

  /** Called once a request is rendered: the single-use entries it named are gone. */
  retireUsed(): void {
    for (const [pool, entries] of this.#pools) {
      if (!this.#singleUse.has(pool)) continue;
      this.#pools.set(
        pool,
        entries.filter((entry) => !this.#usedInThisRequest.has(entry)),
      );
    }
    this.#usedInThisRequest.clear();
  }

  add(pool: string, entry: Readonly<Record<string, string>>): void {
    const entries = this.#pools.get(pool) ?? [];
    entries.push(entry);
    // The newest entries matter most (older ones were often used up); the pool stays bounded.
    if (entries.length > this.#limit) entries.shift();
    this.#pools.set(pool, entries);
  }

  /** Drops the entries whose `field` is `value` (a session the server ended), keeping at least one. */
  remove(pool: string, field: string, value: string): void {
    const entries = this.#pools.get(pool) ?? [];
    const kept = entries.filter((entry) => entry[field] !== value);
    if (kept.length > 0) this.#pools.set(pool, kept);
  }

  /** Every value of the named fields across all pools (e.g. every secret, to check none leaks). */
  valuesOf(fields: ReadonlySet<string>): string[] {
    const values: string[] = [];
    for (const entries of this.#pools.values()) {
      for (const entry of entries) {
        for (const [field, value] of Object.entries(entry)) if (fields.has(field)) values.push(value);
      }
    }
    return values;
  }

  size(pool: string): number {
    return this.#pools.get(pool)?.length ?? 0;
  }

  resolve(reference: Ref): string {
    const [pool = '', field = ''] = reference.ref.split('.');
    const entries = this.#pools.get(pool);
    if (entries?.length === 0 && this.#singleUse.has(pool)) return `used-up-${pool}-${field}`;
    if (!entries || entries.length === 0) throw new Error(`the set-up filled no pool named ${pool}`);
    const entry = entries[reference.pick % entries.length] ?? {};
    if (this.#singleUse.has(pool)) this.#usedInThisRequest.add(entry);
    const value = entry[field];
    if (value === undefined) throw new Error(`pool ${pool} has no field ${field}`);
    return value;
  }

  text(text: Text): string {
    if (typeof text === 'string') return text;
    if (Array.isArray(text)) return text.map((piece: Piece) => this.text(piece)).join('');
    return this.resolve(text as Ref);
  }
}

export function ref(name: string, pick: number): Ref {
  return { ref: name, pick };
}

/** Form-urlencoding as browsers do it (WHATWG URL "application/x-www-form-urlencoded"). */
function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, value])).toString();
}

function bodyBytes(body: DraftBody, pools: CredentialPools, charset: BufferEncoding): Buffer {
  switch (body.kind) {
    case 'empty':
      return Buffer.alloc(0);
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'form':
      return Buffer.from(formEncode(body.fields.map(([name, value]) => [name, pools.text(value)])), charset);
    case 'json':
      return Buffer.from(JSON.stringify(resolveJson(body.value, pools)) ?? 'null', charset);
    case 'huge':
      return Buffer.alloc(body.size, body.fill);
  }
}

/** JSON values may hold refs too (a token inside a JSON body); they are replaced by their text. */
function resolveJson(value: unknown, pools: CredentialPools): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveJson(item, pools));
  if (value && typeof value === 'object') {
    if ('ref' in value && 'pick' in value && Object.keys(value).length === 2) {
      return pools.resolve(value as Ref);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveJson(item, pools)]));
  }
  return value;
}

/** Turns a draft into the exact bytes to send, resolving refs against the pools as they are now. */
export function renderDraft(draft: Draft, pools: CredentialPools): RawRequest {
  const path = applySpelling(pools.text(draft.path), draft.spelling);
  const query =
    draft.rawQuery ?? formEncode(draft.query.map(([name, value]) => [name, pools.text(value)] as const));
  const request = {
    method: draft.method,
    target: query ? `${path}?${query}` : path,
    headers: draft.headers.map(([name, value]) => [name, pools.text(value)] as const),
    body: bodyBytes(draft.body, pools, draft.charset),
    framing: draft.framing,
  };
  pools.retireUsed();
  return request;
}
