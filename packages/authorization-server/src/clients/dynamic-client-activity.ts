import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ArtifactStore } from '../storage/storage-backend.ts';

const DAY_SECONDS = 24 * 3600;

/**
 * Keeps a dynamically registered client alive while it is used: each successful token request
 * moves its expiry to `idleLifetimeSeconds` from now, so a client is deleted only after that long
 * without one. The write happens at most once a day per client and process (remembered here),
 * never on every token request; the storage only ever moves an expiry later, and never gives one
 * to a client without (operator-registered clients, see `ArtifactStore.extendExpiry`).
 */
export class DynamicClientActivity {
  readonly #artifacts: ArtifactStore;
  readonly #idleLifetimeSeconds: number;
  readonly #now: () => number;
  readonly #maxRemembered: number;
  /** Client id → epoch seconds of the last extension this process wrote. */
  readonly #extendedAt = new Map<string, number>();

  constructor(
    artifacts: ArtifactStore,
    options: { idleLifetimeSeconds: number; maxRemembered: number; now?: () => number },
  ) {
    this.#artifacts = artifacts;
    this.#idleLifetimeSeconds = options.idleLifetimeSeconds;
    this.#maxRemembered = options.maxRemembered;
    this.#now = options.now ?? Date.now;
  }

  async recordUse(clientId: string): Promise<void> {
    const now = Math.floor(this.#now() / 1000);
    const last = this.#extendedAt.get(clientId);
    if (last !== undefined && now - last < DAY_SECONDS) return;
    // Remembered before writing, so that concurrent requests of one client write once.
    this.#remember(clientId, now);
    try {
      await this.#artifacts.extendExpiry('Client', clientId, now + this.#idleLifetimeSeconds);
    } catch (error) {
      this.#extendedAt.delete(clientId);
      throw error;
    }
  }

  /** Bounded memory: past the limit, entries older than a day go first, then all of them. */
  #remember(clientId: string, now: number): void {
    if (this.#extendedAt.size >= this.#maxRemembered) {
      for (const [id, at] of this.#extendedAt) if (now - at >= DAY_SECONDS) this.#extendedAt.delete(id);
      if (this.#extendedAt.size >= this.#maxRemembered) this.#extendedAt.clear();
    }
    this.#extendedAt.set(clientId, now);
  }
}

/**
 * Records a client's use after every successful token response (authorization_code,
 * refresh_token), before the response is sent: the middleware wraps oidc-provider's router, so
 * the route is resolved by then. A failure to record is logged, never turned into an error for
 * a client that already has its tokens.
 */
export function trackDynamicClientUse(
  provider: Provider,
  activity: DynamicClientActivity,
  logger: Logger,
): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    const client = oidc?.route === 'token' && ctx.status === 200 ? oidc.client : undefined;
    // A Client ID Metadata Document client is never stored: nothing to keep alive.
    if (!client || (client as { clientIdMetadataDocument?: boolean }).clientIdMetadataDocument) return;
    await activity.recordUse(client.clientId).catch((error: unknown) => {
      logger.error('extending a dynamic client’s life failed', { clientId: client.clientId, error });
    });
  });
}
