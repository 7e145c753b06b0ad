import { createHash } from 'node:crypto';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { ClientCache, type ClientCacheOptions, DEFAULT_CLIENT_CACHE } from '../clients/client-cache.ts';
import { hashClientSecret, isHashedClientSecret } from '../clients/client-secret.ts';
import type { ArtifactStore, StoredRecord } from '../storage/storage-backend.ts';

/**
 * Models whose id is not a bearer credential: a client id is public and a grant id never
 * leaves the AS. Every other model's id (access and refresh tokens, codes, sessions,
 * interactions, replay-detection ids, …) is a secret, stored only as its SHA-256. A model added
 * by a future oidc-provider release is therefore hashed by default.
 */
const PLAIN_ID_MODELS = new Set(['Client', 'Grant']);

/** Stands in for a record's own id inside its stored payload; braces never occur in an id or a URL. */
const OWN_ID_PLACEHOLDER = '{{id}}';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** What the adapter knows when two requests race to redeem one code or refresh token. */
export interface ConsumeRace {
  readonly model: string;
  readonly grantId: string | undefined;
}

export interface OidcAdapterOptions {
  /** Told about every lost consume race (a replayed code or refresh token): a security event. */
  readonly onConsumeRace?: (race: ConsumeRace) => void;
  /** How long found clients are answered from memory (see client-cache.ts); default 5 s. */
  readonly clientCache?: Partial<ClientCacheOptions>;
}

/**
 * The oidc-provider adapter (`configuration.adapter`) over any ArtifactStore. All hashing of
 * secrets at rest happens here, so no backend ever receives a token value or a client secret.
 */
export function createOidcAdapterFactory(
  artifacts: ArtifactStore,
  options: OidcAdapterOptions = {},
): (model: string) => Adapter {
  // One cache for every adapter this factory makes: oidc-provider keeps its own Client adapter,
  // while client registration (preregistered-clients.ts) asks the factory for another.
  const clients = new ClientCache({ ...DEFAULT_CLIENT_CACHE, ...options.clientCache });
  return (model: string) => new HashingAdapter(model, artifacts, options, clients);
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

class HashingAdapter implements Adapter {
  readonly #model: string;
  readonly #artifacts: ArtifactStore;
  readonly #options: OidcAdapterOptions;
  readonly #secretIds: boolean;
  /** Only for the Client model. */
  readonly #clients: ClientCache | undefined;

  constructor(model: string, artifacts: ArtifactStore, options: OidcAdapterOptions, clients: ClientCache) {
    this.#model = model;
    this.#artifacts = artifacts;
    this.#options = options;
    this.#secretIds = !PLAIN_ID_MODELS.has(model);
    this.#clients = model === 'Client' ? clients : undefined;
  }

  #key(id: string): string {
    return this.#secretIds ? sha256(id) : id;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    try {
      await this.#artifacts.upsert({
        model: this.#model,
        key: this.#key(id),
        payload: this.#withoutSecrets(id, payload),
        // Like oidc-provider's reference memory adapter, a missing or zero TTL means "no expiry"
        // (clients); everything else expires, and expired records are never returned.
        ...(expiresIn ? { expiresAt: epochSeconds() + expiresIn } : {}),
        ...(payload.grantId ? { grantId: payload.grantId } : {}),
        // Secondary keys are hashed like ids, whether or not the model treats them as secret.
        ...(payload.uid ? { uid: sha256(payload.uid) } : {}),
        ...(payload.userCode ? { userCode: sha256(payload.userCode) } : {}),
      });
    } finally {
      // Even a failed write may have landed (a lost connection after COMMIT): forget either way.
      this.#clients?.forget(id);
    }
  }

  /**
   * The payload as stored: every bearer secret removed or hashed. What stays in clear is not a
   * credential on its own: a Session's `uid` is an internal correlation id (oidc-provider copies
   * it in clear into tokens' `sessionUid` and only ever looks sessions up by it server-side), and
   * it must stay because oidc-provider would otherwise mint a new one and lose the link.
   * Known exception: an Interaction's `parJti` (and `deviceCode`, a disabled feature) name
   * another secret-id record and oidc-provider looks that record up by them, so they stay in
   * clear; a pushed request is short-lived and consumed on first use.
   */
  #withoutSecrets(id: string, payload: AdapterPayload): Record<string, unknown> {
    const stored: Record<string, unknown> = { ...payload };
    if (this.#secretIds) {
      // The id is the token value; `find` gets it from the caller and puts it back. It can also
      // be embedded in another field (an Interaction's `returnTo` URL ends with its uid).
      delete stored.jti;
      for (const [field, value] of Object.entries(stored)) {
        if (typeof value === 'string' && value.includes(id)) {
          stored[field] = value.replaceAll(id, OWN_ID_PLACEHOLDER);
        }
      }
    }
    // A device flow user code is typed by a person and works as a credential; it is only ever
    // looked up by value, so `findByUserCode` restores it from its argument. (Device flow is not
    // enabled; a DeviceCode re-saved after a lookup by device code would lose its user code.)
    delete stored.userCode;
    if (this.#model === 'Client' && typeof stored.client_secret === 'string') {
      if (!isHashedClientSecret(stored.client_secret)) {
        stored.client_secret = hashClientSecret(stored.client_secret);
      }
    }
    // oidc-provider 9 copies the browser's session cookie value (the Session id, a bearer
    // credential) into `Interaction.session.cookie` and never reads it back: drop it.
    if (this.#model === 'Interaction' && isObject(stored.session) && 'cookie' in stored.session) {
      const { cookie: _sessionId, ...session } = stored.session;
      stored.session = session;
    }
    return stored;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const load = async () =>
      this.#restore(await this.#artifacts.find(this.#model, this.#key(id)), { jti: id });
    return this.#clients ? this.#clients.find(id, load) : load();
  }

  /**
   * Only Session is looked up by uid. Its id (`jti`) cannot be recovered from the stored hash,
   * so the instance oidc-provider builds gets a fresh random one; that is harmless because every
   * uid lookup in oidc-provider 9 (session-bound tokens, interaction checks) only reads
   * `accountId` and grant ids and never saves the session back.
   */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#restore(await this.#artifacts.findByUid(this.#model, sha256(uid)), { uid });
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#restore(await this.#artifacts.findByUserCode(this.#model, sha256(userCode)), { userCode });
  }

  /**
   * Exactly one concurrent caller consumes a code or refresh token. oidc-provider checks
   * `consumed` before calling this, but two requests can both pass that check. The loser of the
   * race is a replay (OAuth 2.1 §4.1.3, RFC 6749 §10.5, refresh tokens: OAuth 2.1 §4.3.1): it
   * revokes everything the grant issued, exactly as oidc-provider does for a sequential replay
   * (artifacts and the Grant itself, so even tokens the winner saves afterwards fail
   * introspection and refresh), and the request fails with `invalid_grant` instead of issuing
   * a second set of tokens.
   */
  async consume(id: string): Promise<void> {
    const result = await this.#artifacts.consume(this.#model, this.#key(id));
    if (result.outcome === 'consumed') return;
    if (result.outcome === 'not-found') {
      throw new errors.InvalidGrant(`${this.#model} not found or expired`);
    }
    const { grantId } = result;
    if (grantId) {
      await this.#artifacts.revokeByGrantId(grantId);
      await this.#artifacts.destroy('Grant', grantId);
    }
    this.#options.onConsumeRace?.({ model: this.#model, grantId });
    throw new errors.InvalidGrant(`${this.#model} already consumed`);
  }

  async destroy(id: string): Promise<void> {
    try {
      await this.#artifacts.destroy(this.#model, this.#key(id));
    } finally {
      this.#clients?.forget(id);
    }
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#artifacts.revokeByGrantId(grantId);
  }

  #restore(record: StoredRecord | undefined, presented: Partial<Record<'jti' | 'uid' | 'userCode', string>>) {
    if (!record) return undefined;
    const payload: Record<string, unknown> = { ...record.payload };
    // The stored copy never holds these; the caller just presented them, so they are put back.
    if (this.#secretIds && presented.jti !== undefined) {
      payload.jti = presented.jti;
      for (const [field, value] of Object.entries(payload)) {
        if (typeof value === 'string' && value.includes(OWN_ID_PLACEHOLDER)) {
          payload[field] = value.replaceAll(OWN_ID_PLACEHOLDER, presented.jti);
        }
      }
    }
    if (presented.uid !== undefined) payload.uid = presented.uid;
    if (presented.userCode !== undefined) payload.userCode = presented.userCode;
    // oidc-provider's reuse detection reads `consumed` (truthy) from the payload.
    if (record.consumedAt !== undefined) payload.consumed = record.consumedAt;
    return payload as AdapterPayload;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
