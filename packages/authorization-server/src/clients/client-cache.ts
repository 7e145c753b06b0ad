import { ExpiringLruCache } from '@mcp-auth/shared';
import type { AdapterPayload } from 'oidc-provider';

export interface ClientCacheOptions {
  /** How long a found client is answered from memory, in milliseconds; 0 turns the cache off. */
  readonly lifetimeMs: number;
  /** At most this many clients are kept; the least recently used one goes first. */
  readonly maxEntries: number;
  /** The clock, in milliseconds (tests bring their own). */
  readonly now: () => number;
}

/**
 * Five seconds: long enough that a resource server introspecting many tokens, or a client
 * refreshing, costs no client lookup in the database (oidc-provider 9 looks a Client up for every
 * authenticated request, `shared/client_auth.js`, and once more per introspection of a token
 * issued to another client, `actions/introspection.js`), short enough that a client changed or
 * removed through another AS instance sharing the database (PostgreSQL), or with
 * `mcp-auth-as clients remove`, stops working here within seconds. A thousand clients of a few
 * hundred bytes each is well under a megabyte.
 */
export const DEFAULT_CLIENT_CACHE: ClientCacheOptions = { lifetimeMs: 5000, maxEntries: 1000, now: Date.now };

/**
 * Client payloads as the adapter last read them, for a few seconds, in this process only.
 *
 * Callers own what they get: oidc-provider builds its Client from the payload and its schema
 * rewrites arrays (`grant_types.push` in `helpers/client_schema.js`), so every answer is a new
 * object parsed from JSON text. That is also exactly what a database read returns (the payload
 * is stored as JSON), so oidc-provider's own cache of built clients, keyed by the payload's
 * JSON hash (`models/client.js`, `dynamicClients`), keeps hitting.
 *
 * A missing client is not remembered: RFC 7591 §3.2.1 hands a client its `client_id` to use at
 * once, and behind a load balancer its next request may reach another instance, which must then
 * find it. Unknown ids cost one primary-key read, as before, and cannot fill this cache.
 */
export class ClientCache {
  readonly #options: ClientCacheOptions;
  /** Each payload as JSON text: immutable, and parsed into a fresh object for every caller. */
  readonly #entries: ExpiringLruCache<string>;
  /** Counts this instance's client writes, so a read that raced one is not remembered. */
  #writes = 0;

  constructor(options: ClientCacheOptions = DEFAULT_CLIENT_CACHE) {
    this.#options = options;
    this.#entries = new ExpiringLruCache(options.maxEntries, options.now);
  }

  /** The client from memory when it is fresh, else from `load` (and remembered when found). */
  async find(
    clientId: string,
    load: () => Promise<AdapterPayload | undefined>,
  ): Promise<AdapterPayload | undefined> {
    if (this.#options.lifetimeMs <= 0) return load();
    const now = this.#options.now();
    const cached = this.#entries.get(clientId);
    if (cached !== undefined) return JSON.parse(cached) as AdapterPayload;
    const writesBefore = this.#writes;
    const payload = await load();
    // A write of a client on this instance while the read was under way may have landed after
    // the row was read: that answer may be stale, so it is returned but not remembered.
    if (payload && this.#writes === writesBefore) {
      this.#entries.set(clientId, JSON.stringify(payload), now + this.#options.lifetimeMs);
    }
    return payload;
  }

  /** After this instance saved or deleted a client (call it once the write has finished). */
  forget(clientId: string): void {
    this.#writes++;
    this.#entries.delete(clientId);
  }
}
