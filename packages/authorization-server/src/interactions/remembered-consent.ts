import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { ArtifactStore } from '../storage/storage-backend.ts';

/**
 * What a person approved for one client: OIDC scopes and, per resource, its scopes. Kept per
 * (account, client) so the consent page is shown again only when a client asks for more than
 * was approved before (for example a step-up to `admin`), not on every sign-in.
 */
export interface RememberedConsent {
  readonly oidcScopes: string[];
  readonly resourceScopes: Record<string, string[]>;
}

const MODEL = 'RememberedConsent';
const REMEMBER_FOR_SECONDS = 365 * 24 * 3600;

function keyFor(accountId: string, clientId: string): string {
  return JSON.stringify([accountId, clientId]);
}

export class ConsentMemory {
  readonly #artifacts: ArtifactStore;

  constructor(artifacts: ArtifactStore) {
    this.#artifacts = artifacts;
  }

  async recall(accountId: string, clientId: string): Promise<RememberedConsent | undefined> {
    const record = await this.#artifacts.find(MODEL, keyFor(accountId, clientId));
    return record?.payload as RememberedConsent | undefined;
  }

  /** Forgets what the account approved for the client: the consent page is shown again. */
  async forget(accountId: string, clientId: string): Promise<void> {
    await this.#artifacts.destroy(MODEL, keyFor(accountId, clientId));
  }

  /** Adds to what was remembered: approving `admin` later does not forget `user`. */
  async remember(accountId: string, clientId: string, approved: RememberedConsent): Promise<void> {
    const previous = await this.recall(accountId, clientId);
    const resourceScopes: Record<string, string[]> = { ...previous?.resourceScopes };
    for (const [resource, scopes] of Object.entries(approved.resourceScopes)) {
      resourceScopes[resource] = [...new Set([...(resourceScopes[resource] ?? []), ...scopes])];
    }
    const payload: RememberedConsent = {
      oidcScopes: [...new Set([...(previous?.oidcScopes ?? []), ...approved.oidcScopes])],
      resourceScopes,
    };
    await this.#artifacts.upsert({
      model: MODEL,
      key: keyFor(accountId, clientId),
      payload: { ...payload },
      expiresAt: Math.floor(Date.now() / 1000) + REMEMBER_FOR_SECONDS,
    });
  }
}

/**
 * `loadExistingGrant`: the grant this browser session already holds for the client, else a new
 * grant rebuilt from what the account approved for this client before. oidc-provider then asks
 * for consent only for what that grant lacks.
 */
export function loadExistingGrant(memory: ConsentMemory) {
  return async (ctx: KoaContextWithOIDC) => {
    const { oidc } = ctx;
    const clientId = oidc.client?.clientId;
    if (!clientId) return undefined;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
    if (grantId) {
      const grant = await oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const accountId = oidc.session?.accountId;
    if (!accountId) return undefined;
    const remembered = await memory.recall(accountId, clientId);
    if (!remembered) return undefined;
    return grantFromConsent(oidc.provider, accountId, clientId, remembered);
  };
}

async function grantFromConsent(
  provider: Provider,
  accountId: string,
  clientId: string,
  consent: RememberedConsent,
) {
  const grant = new provider.Grant({ accountId, clientId });
  if (consent.oidcScopes.length > 0) grant.addOIDCScope(consent.oidcScopes.join(' '));
  for (const [resource, scopes] of Object.entries(consent.resourceScopes)) {
    if (scopes.length > 0) grant.addResourceScope(resource, scopes.join(' '));
  }
  await grant.save();
  return grant;
}
