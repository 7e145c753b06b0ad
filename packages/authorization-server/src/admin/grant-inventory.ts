import { ConsentMemory } from '../interactions/remembered-consent.ts';
import type { AccountRecord, StorageBackend } from '../storage/storage-backend.ts';

/**
 * A grant (oidc-provider's Grant: what one person allowed one client) as the operator sees it.
 * These are the field names of `mcp-auth-as grants list --json`: keep them stable.
 */
export interface GrantSummary {
  readonly grantId: string;
  readonly accountId: string | null;
  readonly username: string | null;
  readonly clientId: string | null;
  /** Resource URI → the scopes granted for it (RFC 8707). */
  readonly resources: Readonly<Record<string, readonly string[]>>;
  /** OpenID Connect scopes (`openid`, `offline_access`), when any were granted. */
  readonly openidScopes: readonly string[];
  /** ISO 8601. */
  readonly createdAt: string | null;
  readonly expiresAt: string | null;
}

export interface GrantFilter {
  readonly accountId?: string;
  readonly clientId?: string;
}

const GRANT_MODEL = 'Grant';

/** Every live grant, optionally of one account and/or one client, oldest first. */
export async function listGrants(backend: StorageBackend, filter: GrantFilter = {}): Promise<GrantSummary[]> {
  const usernames = new Map((await backend.accounts.list()).map((account) => [account.id, account.username]));
  const grants = (await backend.artifacts.listLive(GRANT_MODEL)).map((record) =>
    grantSummary(record.key, record.payload, record.expiresAt, usernames),
  );
  return grants
    .filter((grant) => filter.accountId === undefined || grant.accountId === filter.accountId)
    .filter((grant) => filter.clientId === undefined || grant.clientId === filter.clientId)
    .sort(
      (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.grantId.localeCompare(b.grantId),
    );
}

function grantSummary(
  grantId: string,
  payload: Record<string, unknown>,
  expiresAt: number | undefined,
  usernames: ReadonlyMap<string, string>,
): GrantSummary {
  const accountId = typeof payload.accountId === 'string' ? payload.accountId : null;
  const resources: Record<string, string[]> = {};
  if (isObject(payload.resources)) {
    for (const [uri, scope] of Object.entries(payload.resources)) {
      resources[uri] = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
    }
  }
  const openidScope = isObject(payload.openid) ? payload.openid.scope : undefined;
  return {
    grantId,
    accountId,
    username: accountId === null ? null : (usernames.get(accountId) ?? null),
    clientId: typeof payload.clientId === 'string' ? payload.clientId : null,
    resources,
    openidScopes: typeof openidScope === 'string' ? openidScope.split(' ').filter(Boolean) : [],
    createdAt: typeof payload.iat === 'number' ? isoTime(payload.iat) : null,
    expiresAt: expiresAt === undefined ? null : isoTime(expiresAt),
  };
}

/**
 * Revokes one grant the way oidc-provider revokes a grant whose refresh token was replayed:
 * every code, access token (opaque, and the JWT ledger's records: jwt-access-token-ledger.ts) and
 * refresh token it issued goes, then the grant itself. Introspection answers its tokens inactive
 * from now on; a resource server that verifies JWTs locally accepts them until their `exp`. What
 * the person approved for that client is forgotten too, so signing in again asks for consent.
 * Returns the revoked grant, or undefined when there is no such live grant.
 */
export async function revokeGrant(
  backend: StorageBackend,
  grantId: string,
): Promise<GrantSummary | undefined> {
  const record = await backend.artifacts.find(GRANT_MODEL, grantId);
  if (!record) return undefined;
  const grant = grantSummary(grantId, record.payload, undefined, new Map());
  await backend.artifacts.revokeByGrantId(grantId);
  await backend.artifacts.destroy(GRANT_MODEL, grantId);
  if (grant.accountId && grant.clientId) {
    await new ConsentMemory(backend.artifacts).forget(grant.accountId, grant.clientId);
  }
  return grant;
}

/** Revokes every grant matching the filter; returns those revoked. */
export async function revokeGrants(backend: StorageBackend, filter: GrantFilter): Promise<GrantSummary[]> {
  const revoked: GrantSummary[] = [];
  for (const grant of await listGrants(backend, filter)) {
    if (await revokeGrant(backend, grant.grantId)) revoked.push(grant);
  }
  return revoked;
}

/** The account a `--user NAME` names (usernames are case-insensitive), or undefined. */
export function accountNamed(backend: StorageBackend, username: string): Promise<AccountRecord | undefined> {
  return backend.accounts.findByUsername(username);
}

export function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
