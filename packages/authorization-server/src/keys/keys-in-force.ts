import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyGeneration, ServerSecrets } from './server-secrets.ts';

/**
 * How long a generation's keys stay after it stops signing, in seconds: signing keys while a
 * token or ID token it signed may still be presented (the longest such lifetime plus clock
 * skew), cookie keys while a cookie it signed may still come back (the sign-in session's life).
 */
export interface KeyRetention {
  readonly signingSeconds: number;
  readonly cookieSeconds: number;
}

/**
 * Seconds from `keys rotate` until the new keys sign. Every instance re-reads the keys every
 * RELOAD_INTERVAL (30 s), so by then each one publishes and accepts them; and a resource server
 * that fetched the JWKS before they were published fetched it more than its 30-second refetch
 * cooldown ago, so the first token it meets with the new `kid` makes it fetch them.
 */
export const ACTIVATION_DELAY_SECONDS = 60;

/** What a generation does at a moment. */
export type GenerationState =
  /** Signs tokens, ID tokens and cookies. */
  | 'active'
  /** Rotated in, not signing yet: published and accepted, so every instance knows it first. */
  | 'next'
  /** Replaced: still published and accepted while what it signed may be presented. */
  | 'retiring'
  /** Nothing it signed can still be valid: dropped from the stored secrets. */
  | 'expired';

export interface GenerationStatus {
  readonly generation: KeyGeneration;
  readonly state: GenerationState;
  /** Epoch seconds at which it stopped signing (`retiring`, `expired`). */
  readonly retiredAt?: number;
  /** Its signing keys are published (at `/jwks`) and accepted. */
  readonly signingKeysPublished: boolean;
  /** Its cookie key is accepted. */
  readonly cookieKeyAccepted: boolean;
}

/** Each generation's state at `now` (epoch seconds), newest first like the secrets. */
export function generationStatuses(
  secrets: ServerSecrets,
  now: number,
  retention: KeyRetention,
): GenerationStatus[] {
  const { generations } = secrets;
  // The newest generation already due to sign; if none is due yet, the oldest keeps signing.
  let activeIndex = generations.findIndex((generation) => generation.activeFrom <= now);
  if (activeIndex === -1) activeIndex = generations.length - 1;
  return generations.map((generation, index) => {
    if (index < activeIndex) {
      return { generation, state: 'next', signingKeysPublished: true, cookieKeyAccepted: true };
    }
    if (index === activeIndex) {
      return { generation, state: 'active', signingKeysPublished: true, cookieKeyAccepted: true };
    }
    // It stopped signing when the generation just newer than it started.
    const retiredAt = generations[index - 1]?.activeFrom ?? now;
    const signingKeysPublished = now < retiredAt + retention.signingSeconds;
    const cookieKeyAccepted = now < retiredAt + retention.cookieSeconds;
    return {
      generation,
      state: signingKeysPublished || cookieKeyAccepted ? 'retiring' : 'expired',
      retiredAt,
      signingKeysPublished,
      cookieKeyAccepted,
    };
  });
}

/** The keys the AS uses at a moment. */
export interface KeysInForce {
  /**
   * oidc-provider's `jwks`: the active generation's keys first, then every other published key
   * marked `key_ops: ["verify"]` (RFC 7517 §4.3), so that oidc-provider never signs with one of
   * them; all are published at `jwks_uri` and verify.
   */
  readonly jwks: { readonly keys: readonly JWK[] };
  /** Cookie keys, the active one first: it signs, all verify (Koa's `app.keys`). */
  readonly cookieKeys: readonly string[];
  /** The `kid`s that sign. */
  readonly signingKids: readonly string[];
  /** Equal for equal keys in force: tells when something changed. */
  readonly fingerprint: string;
}

export function keysInForce(secrets: ServerSecrets, now: number, retention: KeyRetention): KeysInForce {
  const statuses = generationStatuses(secrets, now, retention);
  const active = statuses.find((status) => status.state === 'active');
  const others = statuses.filter((status) => status !== active);
  const verifyOnly = (key: JWK): JWK => ({ ...key, key_ops: ['verify'] });
  const keys = [
    ...(active?.generation.signingKeys ?? []),
    ...others
      .filter((status) => status.signingKeysPublished)
      .flatMap((status) => status.generation.signingKeys.map(verifyOnly)),
  ];
  const cookieKeys = [
    ...(active?.generation.cookieKeys ?? []),
    ...others.filter((status) => status.cookieKeyAccepted).flatMap((status) => status.generation.cookieKeys),
  ];
  const signingKids = (active?.generation.signingKeys ?? []).map((key) => key.kid ?? '');
  const published = keys.map((key) => `${key.kid}${key.key_ops ? ':verify' : ''}`);
  return {
    jwks: { keys },
    cookieKeys,
    signingKids,
    fingerprint: createHash('sha256')
      .update(JSON.stringify([published, cookieKeys]))
      .digest('base64url'),
  };
}

/** The secrets without their expired generations, or undefined when none has expired. */
export function withoutExpiredGenerations(
  secrets: ServerSecrets,
  now: number,
  retention: KeyRetention,
): ServerSecrets | undefined {
  const statuses = generationStatuses(secrets, now, retention);
  if (!statuses.some((status) => status.state === 'expired')) return undefined;
  return {
    generations: statuses.filter((status) => status.state !== 'expired').map((status) => status.generation),
  };
}

/** The secrets with `generation` added as the newest. */
export function withNewGeneration(secrets: ServerSecrets, generation: KeyGeneration): ServerSecrets {
  return { generations: [generation, ...secrets.generations] };
}
