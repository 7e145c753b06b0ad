import { LRUCache } from 'lru-cache';

interface Entry<V> {
  readonly value: V;
  /** Epoch milliseconds; the entry is gone from this instant on. */
  readonly expiresAt: number;
}

/**
 * A bounded cache whose entries each carry an absolute expiry: `lru-cache` keeps the bound (the
 * least recently used entry goes first), this wrapper the expiry. Expiry is a deadline given by
 * the caller, such as "never past the token's `exp`", rather than lru-cache's relative TTL, and
 * it is read from an injectable clock, so tests move time instead of sleeping.
 */
export class ExpiringLruCache<V> {
  readonly #entries: LRUCache<string, Entry<V>>;
  readonly #now: () => number;

  /** `maxEntries` is at least 1: a cache that may hold nothing is a configuration mistake. */
  constructor(maxEntries: number, now: () => number = Date.now) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`an LRU cache holds at least one entry, not ${maxEntries}`);
    }
    this.#entries = new LRUCache({ max: maxEntries });
    this.#now = now;
  }

  /** The value while it is unexpired (and it becomes the most recently used); an expired one is dropped. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` until `expiresAt` (epoch ms). One already expired is not stored, and replaces any older. */
  set(key: string, value: V, expiresAt: number): void {
    if (expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
