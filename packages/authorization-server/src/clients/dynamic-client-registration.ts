import type { IncomingMessage } from 'node:http';
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider';
import { HttpError } from '../http/http-error.ts';
import type { RateLimiter } from '../rate-limits/rate-limiter.ts';
import type { ArtifactStore } from '../storage/storage-backend.ts';

type AdapterFactory = (name: string) => Adapter;

const DAY = 24 * 3600;

/** How many clients RFC 7591 registration may create and how long they live unless used. */
export interface DynamicClientLimits {
  /** Live dynamic clients at most; registration past it answers 503. */
  readonly max: number;
  /** A registered client that completes no grant is gone this long after registering. */
  readonly unusedLifetimeSeconds: number;
  /** A client that completed a grant is gone this long after its last use. */
  readonly idleLifetimeSeconds: number;
}

export const DEFAULT_DYNAMIC_CLIENT_LIMITS: DynamicClientLimits = {
  max: 10_000,
  unusedLifetimeSeconds: DAY,
  idleLifetimeSeconds: 90 * DAY,
};

/**
 * The oidc-provider adapters with one change: a Client it saves expires after
 * `unusedLifetimeSeconds` (storage treats it as gone from then on, and the purge deletes it).
 * oidc-provider saves a Client only when RFC 7591 registration creates one (RFC 7592 management
 * is off); operator-registered clients are written through the plain factory and never expire.
 * `ClientActivity` (client-activity.ts) moves the expiry on while the client is used.
 */
export function expiringDynamicClients(
  factory: AdapterFactory,
  unusedLifetimeSeconds: number,
): AdapterFactory {
  return (name) => {
    const adapter = factory(name);
    if (name !== 'Client') return adapter;
    return {
      upsert: (id, payload, expiresIn) => adapter.upsert(id, payload, expiresIn || unusedLifetimeSeconds),
      find: (id) => adapter.find(id),
      findByUid: (uid) => adapter.findByUid(uid),
      findByUserCode: (userCode) => adapter.findByUserCode(userCode),
      consume: (id) => adapter.consume(id),
      destroy: (id) => adapter.destroy(id),
      revokeByGrantId: (grantId) => adapter.revokeByGrantId(grantId),
    };
  };
}

/** How long a count of dynamic clients is trusted before it is taken again. */
const RECOUNT_AFTER_MS = 10_000;
/** Retry-After when the bound is reached: unused clients expire within a day, most much sooner. */
const FULL_RETRY_AFTER_SECONDS = 3600;

export interface RegistrationAdmissionOptions {
  readonly limiter: RateLimiter;
  readonly clientIp: (req: IncomingMessage) => string;
  readonly artifacts: ArtifactStore;
  readonly limits: DynamicClientLimits;
  /** Milliseconds. */
  readonly now?: () => number;
  /** Told of each registration the rate limit refused (the metrics' rate-limit hits). */
  readonly onRateLimited?: (address: string) => void;
}

/**
 * Decides, once oidc-provider has resolved a request to its registration route (so however the
 * path was spelled: oidc-provider's router folds case and a trailing slash), whether this
 * registration may go ahead: per-address rate limit, then the bound on dynamic clients. Used as
 * `features.registration.issueRegistrationAccessToken`, the per-registration policy hook
 * oidc-provider awaits after reading the body and before creating the client; it always
 * answers false, since registration management (RFC 7592) stays off.
 */
export function registrationAdmission(options: RegistrationAdmissionOptions) {
  const now = options.now ?? Date.now;
  let counted = 0;
  let countedAt = Number.NEGATIVE_INFINITY;
  return async (ctx: KoaContextWithOIDC): Promise<false> => {
    const address = options.clientIp(ctx.req);
    const decision = await options.limiter.consume(address);
    if (!decision.allowed) {
      options.onRateLimited?.(address);
      ctx.set('retry-after', String(decision.retryAfterSeconds));
      throw new HttpError(
        429,
        'too_many_requests',
        `too many client registrations from this address; retry in ${decision.retryAfterSeconds}s`,
      );
    }
    // Counting every time would make each anonymous registration scan the clients: the count is
    // taken at most every 10 s and this instance's admissions are added meanwhile.
    if (now() - countedAt > RECOUNT_AFTER_MS) {
      counted = await options.artifacts.countExpiring('Client');
      countedAt = now();
    }
    if (counted >= options.limits.max) {
      // RFC 7591 §3.2.2's codes all say the client's metadata is wrong; here it is not, the
      // server is full until unused registrations expire. RFC 6749's `temporarily_unavailable`
      // with 503 and Retry-After (RFC 9110 §15.6.4, §10.2.3) says exactly that.
      ctx.set('retry-after', String(FULL_RETRY_AFTER_SECONDS));
      throw new HttpError(
        503,
        'temporarily_unavailable',
        `this server holds its maximum of ${options.limits.max} dynamically registered clients; ` +
          'unused ones expire within a day, so retry later, or ask the operator to register the client',
      );
    }
    counted++;
    return false;
  };
}
