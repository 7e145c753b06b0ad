/**
 * Sessions of 2025-era clients (Streamable HTTP sessions and the deprecated HTTP+SSE transport).
 * A session id is never authentication (SPEC RS.3, MCP security "Session Hijacking"): every
 * request is authenticated on its own, and a session only answers the principal that opened it.
 */
export interface SessionEntry<T> {
  readonly transport: T;
  /** Who opened it: issuer and subject (or client id for machine clients). */
  readonly principal: string;
  lastUsed: number;
}

export class SessionRegistry<T extends { close(): Promise<void> }> {
  readonly #sessions = new Map<string, SessionEntry<T>>();
  readonly #maxSessions: number;
  readonly #idleMs: number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: { maxSessions: number; idleSeconds: number }) {
    this.#maxSessions = options.maxSessions;
    this.#idleMs = options.idleSeconds * 1000;
    this.#sweeper = setInterval(() => void this.#closeIdle(), Math.min(this.#idleMs, 60_000));
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  get full(): boolean {
    return this.#sessions.size >= this.#maxSessions;
  }

  add(id: string, transport: T, principal: string): void {
    this.#sessions.set(id, { transport, principal, lastUsed: Date.now() });
  }

  /** The session, only for the principal that opened it; otherwise it does not exist for them. */
  lookup(id: string, principal: string): T | undefined {
    const entry = this.#sessions.get(id);
    if (!entry || entry.principal !== principal) return undefined;
    entry.lastUsed = Date.now();
    return entry.transport;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const transports = [...this.#sessions.values()].map((entry) => entry.transport);
    this.#sessions.clear();
    await Promise.allSettled(transports.map((transport) => transport.close()));
  }

  async #closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.#idleMs;
    for (const [id, entry] of this.#sessions) {
      if (entry.lastUsed < cutoff) {
        this.#sessions.delete(id);
        await entry.transport.close().catch(() => {});
      }
    }
  }
}
