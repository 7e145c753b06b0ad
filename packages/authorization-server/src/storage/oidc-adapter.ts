import { createHash, timingSafeEqual } from 'node:crypto';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { ArtifactStore, StoredRecord } from './storage-backend.ts';

/**
 * Models whose id is not a bearer credential: a client id is public and a grant id never
 * leaves the AS. Every other model's id (access and refresh tokens, codes, sessions,
 * interactions, …) is a secret, stored only as its SHA-256.
 */
const PLAIN_ID_MODELS = new Set(['Client', 'Grant']);

const CLIENT_SECRET_PREFIX = 'sha256:';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * Client secrets come from oidc-provider's secretFactory (64 random bytes) or ours (32): with
 * that much entropy a fast hash is as strong as a slow one and keeps client authentication cheap.
 */
export function hashClientSecret(secret: string): string {
  return `${CLIENT_SECRET_PREFIX}${sha256(secret)}`;
}

/** Constant-time check of a presented secret against a stored (hashed, or legacy clear) one. */
export function clientSecretMatches(stored: string, presented: string): boolean {
  const expected = Buffer.from(stored.startsWith(CLIENT_SECRET_PREFIX) ? stored : hashClientSecret(stored));
  const actual = Buffer.from(hashClientSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * The oidc-provider adapter (`configuration.adapter`) over any ArtifactStore. All hashing of
 * secrets at rest happens here, so no backend ever receives a token value or a client secret.
 */
export function createOidcAdapterFactory(artifacts: ArtifactStore): (model: string) => Adapter {
  return (model: string) => new HashingAdapter(model, artifacts);
}

class HashingAdapter implements Adapter {
  readonly #model: string;
  readonly #artifacts: ArtifactStore;
  readonly #secretIds: boolean;

  constructor(model: string, artifacts: ArtifactStore) {
    this.#model = model;
    this.#artifacts = artifacts;
    this.#secretIds = !PLAIN_ID_MODELS.has(model);
  }

  #key(id: string): string {
    return this.#secretIds ? sha256(id) : id;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const stored: Record<string, unknown> = { ...payload };
    if (this.#secretIds) delete stored.jti;
    if (typeof stored.client_secret === 'string' && !stored.client_secret.startsWith(CLIENT_SECRET_PREFIX)) {
      stored.client_secret = hashClientSecret(stored.client_secret);
    }
    // A device flow user code is typed by a person and is a credential too.
    if (typeof stored.userCode === 'string') delete stored.userCode;
    await this.#artifacts.upsert({
      model: this.#model,
      key: this.#key(id),
      payload: stored,
      ...(expiresIn ? { expiresAt: Math.floor(Date.now() / 1000) + expiresIn } : {}),
      ...(payload.grantId ? { grantId: payload.grantId } : {}),
      ...(payload.uid ? { uid: sha256(payload.uid) } : {}),
      ...(payload.userCode ? { userCode: sha256(payload.userCode) } : {}),
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#restore(await this.#artifacts.find(this.#model, this.#key(id)), { jti: id });
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const record = await this.#artifacts.findByUid(this.#model, sha256(uid));
    return this.#restore(record, {});
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const record = await this.#artifacts.findByUserCode(this.#model, sha256(userCode));
    return this.#restore(record, { userCode });
  }

  /**
   * Exactly one concurrent caller consumes a code or refresh token. oidc-provider checks
   * `consumed` before calling this, but two requests can both pass that check; the loser of the
   * race is treated as a replay (OAuth 2.1 §4.1.3, RFC 6749 §10.5): everything the grant issued
   * is revoked and the request fails with `invalid_grant`.
   */
  async consume(id: string): Promise<void> {
    const result = await this.#artifacts.consume(this.#model, this.#key(id));
    if (result.outcome === 'consumed') return;
    if (result.outcome === 'already-consumed' && result.grantId) {
      await this.#artifacts.revokeByGrantId(result.grantId);
    }
    throw new errors.InvalidGrant(`${this.#model} already consumed or expired`);
  }

  async destroy(id: string): Promise<void> {
    await this.#artifacts.destroy(this.#model, this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#artifacts.revokeByGrantId(grantId);
  }

  #restore(record: StoredRecord | undefined, restored: Record<string, unknown>): AdapterPayload | undefined {
    if (!record) return undefined;
    const payload: Record<string, unknown> = { ...record.payload };
    // The stored copy never holds the id; the caller just presented it, so it is put back.
    if (this.#secretIds && typeof restored.jti === 'string') payload.jti = restored.jti;
    if (typeof restored.userCode === 'string') payload.userCode = restored.userCode;
    if (record.consumedAt !== undefined) payload.consumed = record.consumedAt;
    return payload as AdapterPayload;
  }
}
