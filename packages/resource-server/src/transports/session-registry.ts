/**
 * Sessions of 2025-era clients (Streamable HTTP sessions and the deprecated HTTP+SSE transport).
 * A session id is never authentication (MCP security best practices, "Session Hijacking"): every
 * request is authenticated on its own, and a session only answers the principal that opened it.
 *
 * Sessions cost memory, so they are bounded twice, and neither bound can be used by one person to
 * lock others out (MCP security best practices, "Denial of Service"):
 * - per principal: opening one more than `maxPerPrincipal` closes that principal's least recently
 *   used session, so a loop of `initialize` only ever recycles its own sessions;
 * - server-wide: at `maxSessions`, a newcomer is never refused; the least recently used session of
 *   the principal holding the most sessions is closed instead. Reaching that bound takes at least
 *   `maxSessions / maxPerPrincipal` principals, and it is always the heaviest of them who gives way.
 */
export interface SessionLimits {
  /** Sessions the whole registry keeps. */
  readonly maxSessions: number;
  /** Sessions one principal keeps. */
  readonly maxPerPrincipal: number;
  /** A session unused for this long is closed. */
  readonly idleSeconds: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSessions: 10_000,
  maxPerPrincipal: 32,
  idleSeconds: 30 * 60,
};

interface SessionEntry<T> {
  readonly id: string;
  readonly transport: T;
  /** Who opened it: issuer and subject (or client id for machine clients). */
  readonly principal: string;
  lastUsed: number;
}

export class SessionRegistry<T extends { close(): Promise<void> }> {
  readonly #sessions = new Map<string, SessionEntry<T>>();
  /** Each principal's sessions in order of last use, least recent first (Map insertion order). */
  readonly #byPrincipal = new Map<string, Map<string, SessionEntry<T>>>();
  readonly #limits: SessionLimits;
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(limits: SessionLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#now = now;
    const idleMs = limits.idleSeconds * 1000;
    this.#sweeper = setInterval(() => void this.closeIdle(), Math.min(idleMs, 60_000));
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Registers a new session, first closing the sessions that make room for it (see above). */
  add(id: string, transport: T, principal: string): void {
    let owned = this.#byPrincipal.get(principal);
    while (owned && owned.size >= this.#limits.maxPerPrincipal) this.#evictLeastRecentlyUsed(owned);
    while (this.#sessions.size >= this.#limits.maxSessions) {
      const heaviest = this.#heaviestPrincipal();
      if (!heaviest) break;
      this.#evictLeastRecentlyUsed(heaviest);
    }
    owned = this.#byPrincipal.get(principal);
    if (!owned) {
      owned = new Map();
      this.#byPrincipal.set(principal, owned);
    }
    const entry: SessionEntry<T> = { id, transport, principal, lastUsed: this.#now() };
    this.#sessions.set(id, entry);
    owned.set(id, entry);
  }

  /**
   * The session, only for the principal that opened it and only while it has not been idle too
   * long; otherwise it does not exist for them. A hit makes it the principal's most recent.
   */
  lookup(id: string, principal: string): T | undefined {
    const entry = this.#sessions.get(id);
    if (!entry || entry.principal !== principal) return undefined;
    const now = this.#now();
    if (this.#idle(entry, now)) {
      this.#close(entry);
      return undefined;
    }
    entry.lastUsed = now;
    const owned = this.#byPrincipal.get(principal);
    owned?.delete(id);
    owned?.set(id, entry);
    return entry.transport;
  }

  /** Forgets a session (its transport closed itself); closing is the caller's business. */
  delete(id: string): void {
    const entry = this.#sessions.get(id);
    if (!entry) return;
    this.#sessions.delete(id);
    const owned = this.#byPrincipal.get(entry.principal);
    owned?.delete(id);
    if (owned?.size === 0) this.#byPrincipal.delete(entry.principal);
  }

  /** Closes every session idle longer than `idleSeconds`; runs every minute on its own. */
  async closeIdle(): Promise<void> {
    const now = this.#now();
    const idle = [...this.#sessions.values()].filter((entry) => this.#idle(entry, now));
    await Promise.allSettled(idle.map((entry) => this.#close(entry)));
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const entries = [...this.#sessions.values()];
    await Promise.allSettled(entries.map((entry) => this.#close(entry)));
  }

  #idle(entry: SessionEntry<T>, now: number): boolean {
    return now - entry.lastUsed > this.#limits.idleSeconds * 1000;
  }

  #evictLeastRecentlyUsed(owned: Map<string, SessionEntry<T>>): void {
    const oldest = owned.values().next();
    if (!oldest.done) void this.#close(oldest.value);
  }

  /** The principal with the most sessions; between equals, the one whose oldest session is oldest. */
  #heaviestPrincipal(): Map<string, SessionEntry<T>> | undefined {
    let heaviest: Map<string, SessionEntry<T>> | undefined;
    let heaviestOldest = 0;
    for (const owned of this.#byPrincipal.values()) {
      const oldest = owned.values().next().value?.lastUsed ?? 0;
      if (
        !heaviest ||
        owned.size > heaviest.size ||
        (owned.size === heaviest.size && oldest < heaviestOldest)
      ) {
        heaviest = owned;
        heaviestOldest = oldest;
      }
    }
    return heaviest;
  }

  /** Forgets the session at once (so it makes room now), then closes its transport. */
  #close(entry: SessionEntry<T>): Promise<void> {
    this.delete(entry.id);
    return Promise.resolve()
      .then(() => entry.transport.close())
      .catch(() => {});
  }
}
