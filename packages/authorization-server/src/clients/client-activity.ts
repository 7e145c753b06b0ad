import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ArtifactStore } from '../storage/storage-backend.ts';

const HOUR_SECONDS = 3600;
const DAY_SECONDS = 24 * HOUR_SECONDS;

/** When a client was last used (`mcp-auth-as clients list`): one record per client, id in clear. */
export const CLIENT_LAST_USED_MODEL = 'ClientLastUsed';

/**
 * When a grant last got tokens (the account page's "last used"): one record per grant, carrying
 * its grant id, so revoking the grant deletes it too.
 */
export const GRANT_LAST_USED_MODEL = 'GrantLastUsed';

/** A last-use record outlives any idle client, then goes: "never used" beyond a year. */
const LAST_USED_KEPT_SECONDS = 400 * DAY_SECONDS;

/** The routes whose success is a client's use: getting tokens, and a resource server's checks. */
const USE_ROUTES: ReadonlySet<string> = new Set(['token', 'introspection', 'revocation']);

/**
 * What a client's use leaves behind, written at most once an hour per client and process (never
 * on every request):
 * - its last use, to the hour, for the operator (`clients list|show`);
 * - for a dynamically registered client, its expiry moved to `idleLifetimeSeconds` from now (at
 *   most once a day), so it is deleted only after that long unused. The storage only ever moves
 *   an expiry later, and never gives one to a client without (operator-registered clients, see
 *   `ArtifactStore.extendExpiry`).
 */
export class ClientActivity {
  readonly #artifacts: ArtifactStore;
  readonly #idleLifetimeSeconds: number;
  readonly #now: () => number;
  readonly #maxRemembered: number;
  /** Client id → epoch seconds of the last use this process recorded. */
  readonly #recordedAt = new Map<string, number>();
  /** Client id → epoch seconds of the last expiry extension this process wrote. */
  readonly #extendedAt = new Map<string, number>();
  /** Grant id → epoch seconds of the last use of it this process recorded. */
  readonly #grantUsedAt = new Map<string, number>();

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
    const writes: Promise<void>[] = [];
    if (this.#due(this.#recordedAt, clientId, now, HOUR_SECONDS)) {
      writes.push(
        this.#write(this.#recordedAt, clientId, () =>
          this.#artifacts.upsert({
            model: CLIENT_LAST_USED_MODEL,
            key: clientId,
            payload: { at: now },
            expiresAt: now + LAST_USED_KEPT_SECONDS,
          }),
        ),
      );
    }
    if (this.#due(this.#extendedAt, clientId, now, DAY_SECONDS)) {
      writes.push(
        this.#write(this.#extendedAt, clientId, () =>
          this.#artifacts.extendExpiry('Client', clientId, now + this.#idleLifetimeSeconds),
        ),
      );
    }
    const failed = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A grant got tokens (code exchange or refresh): its last use, to the hour. */
  async recordGrantUse(grantId: string): Promise<void> {
    const now = Math.floor(this.#now() / 1000);
    if (!this.#due(this.#grantUsedAt, grantId, now, HOUR_SECONDS)) return;
    await this.#write(this.#grantUsedAt, grantId, () =>
      this.#artifacts.upsert({
        model: GRANT_LAST_USED_MODEL,
        key: grantId,
        grantId,
        payload: { at: now },
        expiresAt: now + LAST_USED_KEPT_SECONDS,
      }),
    );
  }

  /** Whether `period` has passed since the last write; if so it is remembered now (before writing). */
  #due(written: Map<string, number>, clientId: string, now: number, period: number): boolean {
    const last = written.get(clientId);
    if (last !== undefined && now - last < period) return false;
    // Remembered before writing, so that concurrent requests of one client write once.
    this.#remember(written, clientId, now, period);
    return true;
  }

  async #write(written: Map<string, number>, clientId: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      written.delete(clientId);
      throw error;
    }
  }

  /** Bounded memory: past the limit, entries older than their period go first, then all of them. */
  #remember(written: Map<string, number>, clientId: string, now: number, period: number): void {
    if (written.size >= this.#maxRemembered) {
      for (const [id, at] of written) if (now - at >= period) written.delete(id);
      if (written.size >= this.#maxRemembered) written.clear();
    }
    written.set(clientId, now);
  }
}

/** When the client was last used, to the hour (epoch seconds), if in the last 400 days. */
export async function clientLastUsedAt(
  artifacts: ArtifactStore,
  clientId: string,
): Promise<number | undefined> {
  const record = await artifacts.find(CLIENT_LAST_USED_MODEL, clientId);
  const at = record?.payload.at;
  return typeof at === 'number' ? at : undefined;
}

/** When the grant last got tokens, to the hour (epoch seconds), if it did since this was recorded. */
export async function grantLastUsedAt(
  artifacts: ArtifactStore,
  grantId: string,
): Promise<number | undefined> {
  const record = await artifacts.find(GRANT_LAST_USED_MODEL, grantId);
  const at = record?.payload.at;
  return typeof at === 'number' ? at : undefined;
}

/**
 * Records a client's use after every successful token, introspection or revocation response,
 * before the response is sent: the middleware wraps oidc-provider's router, so the route is
 * resolved by then. A failure to record is logged, never turned into an error for a client that
 * already has its answer.
 */
export function trackClientUse(provider: Provider, activity: ClientActivity, logger: Logger): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    const client = USE_ROUTES.has(oidc?.route ?? '') && ctx.status === 200 ? oidc?.client : undefined;
    const grant = oidc?.route === 'token' ? (oidc.entities as { Grant?: { jti?: string } }).Grant : undefined;
    if (client && grant?.jti) {
      const grantId = grant.jti;
      await activity.recordGrantUse(grantId).catch((error: unknown) => {
        logger.error('recording a grant’s use failed', { grantId, error });
      });
    }
    // A Client ID Metadata Document client is never stored: nothing to record.
    if (!client || (client as { clientIdMetadataDocument?: boolean }).clientIdMetadataDocument) return;
    await activity.recordUse(client.clientId).catch((error: unknown) => {
      logger.error('recording a client’s use failed', { clientId: client.clientId, error });
    });
  });
}
