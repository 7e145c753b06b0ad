import type { Logger } from '@mcp-auth/shared';
import {
  type KeyRetention,
  type KeysInForce,
  keysInForce,
  withoutExpiredGenerations,
} from './keys-in-force.ts';
import type { SecretsStore, ServerSecrets } from './server-secrets.ts';

/** How often a running AS re-reads its keys (see ACTIVATION_DELAY_SECONDS in keys-in-force.ts). */
export const KEY_REFRESH_INTERVAL_MS = 30_000;

export interface KeyRefreshOptions {
  readonly store: SecretsStore;
  readonly retention: KeyRetention;
  /** Called with the keys in force whenever they change (and once at the start). */
  readonly install: (keys: KeysInForce) => void;
  /** The clock, epoch milliseconds. */
  readonly now: () => number;
  readonly intervalMs?: number;
  readonly logger: Logger;
}

export interface KeyRefresh {
  /** The keys in force now. */
  readonly current: () => KeysInForce;
  /** Re-reads the keys now (the timer does this every interval). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Keeps a running AS's keys current: every interval it re-reads the stored secrets (a file's
 * read, or one row), puts the keys in force at that moment to use when they differ from those in
 * use (a rotation published new keys, new keys became due to sign, old ones left), and deletes
 * generations nothing valid can be signed with any more (compare-and-set against every other
 * writer, so concurrent instances and `keys rotate` never lose each other's writes). This is how
 * several instances, on one data folder or one PostgreSQL database, follow a rotation done
 * anywhere without a restart. A failed refresh is logged and the keys in use stay.
 */
export async function startKeyRefresh(
  initial: ServerSecrets,
  options: KeyRefreshOptions,
): Promise<KeyRefresh> {
  const nowSeconds = () => Math.floor(options.now() / 1000);
  let current = keysInForce(initial, nowSeconds(), options.retention);
  options.install(current);
  let running: Promise<void> | undefined;

  const refreshOnce = async () => {
    let secrets = (await options.store.load()) ?? initial;
    if (withoutExpiredGenerations(secrets, nowSeconds(), options.retention)) {
      secrets = await options.store.update((stored) =>
        withoutExpiredGenerations(stored, nowSeconds(), options.retention),
      );
      options.logger.info('expired signing and cookie keys removed');
    }
    const next = keysInForce(secrets, nowSeconds(), options.retention);
    if (next.fingerprint === current.fingerprint) return;
    options.install(next);
    const changedSigner = next.signingKids.join() !== current.signingKids.join();
    current = next;
    options.logger.info(changedSigner ? 'new signing keys in use' : 'published keys changed', {
      signing: next.signingKids,
      published: next.jwks.keys.map((key) => key.kid),
    });
  };
  const refresh = () => {
    running ??= refreshOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  await refresh().catch((error: unknown) => options.logger.error('re-reading the keys failed', { error }));
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => options.logger.error('re-reading the keys failed', { error }));
  }, options.intervalMs ?? KEY_REFRESH_INTERVAL_MS);
  timer.unref();
  return { current: () => current, refresh, stop: () => clearInterval(timer) };
}
