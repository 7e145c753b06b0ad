import type Provider from 'oidc-provider';
import { findClient } from '../admin/client-inventory.ts';
import { type GrantSummary, isoTime, listGrants } from '../admin/grant-inventory.ts';
import { grantLastUsedAt } from '../clients/client-activity.ts';
import type { AccountPageApp } from '../pages/account-page.ts';
import { clientNameToShow } from '../pages/client-supplied-text.ts';
import type { ResourceRegistry } from '../resource-registry.ts';
import type { StorageBackend } from '../storage/storage-backend.ts';

/** How the app came to be known to this server. */
export type AppRegistration = ConnectedApp['registration'];

/** One app connected to a person's account: one grant (what they allowed it), as /account shows it. */
export type ConnectedApp = AccountPageApp;

export interface ConnectedAppsDependencies {
  readonly backend: StorageBackend;
  readonly provider: Provider;
  readonly registry: ResourceRegistry;
}

/**
 * The apps connected to one account: its live grants, read the way `mcp-auth-as grants list`
 * reads them (admin/grant-inventory.ts), each with its app's name and how it registered.
 */
export async function connectedAppsOf(
  deps: ConnectedAppsDependencies,
  accountId: string,
): Promise<ConnectedApp[]> {
  const grants = await listGrants(deps.backend, { accountId });
  return Promise.all(
    grants
      .filter((grant): grant is GrantSummary & { clientId: string } => grant.clientId !== null)
      .map((grant) => connectedApp(deps, grant)),
  );
}

async function connectedApp(
  deps: ConnectedAppsDependencies,
  grant: GrantSummary & { clientId: string },
): Promise<ConnectedApp> {
  const stored = await findClient(deps.backend, grant.clientId);
  const lastUsed = await grantLastUsedAt(deps.backend.artifacts, grant.grantId);
  return {
    grantId: grant.grantId,
    clientId: grant.clientId,
    name: clientNameToShow(
      stored?.name ?? (await metadataDocumentName(deps.provider, grant.clientId)),
      grant.clientId,
    ),
    // A Client ID Metadata Document client is never stored: its id is its document's URL.
    registration: stored?.registration ?? 'client-id-metadata-document',
    resources: Object.entries(grant.resources).map(([uri, scopes]) => {
      const resource = deps.registry.find(uri);
      return {
        uri,
        name: resource?.name ?? uri,
        scopes: scopes.map((name) => ({
          name,
          description: resource?.scopes.find((scope) => scope.name === name)?.description ?? name,
        })),
      };
    }),
    openidScopes: grant.openidScopes,
    grantedAt: grant.createdAt,
    lastUsedAt: lastUsed === undefined ? null : isoTime(lastUsed),
  };
}

/**
 * The name in a Client ID Metadata Document (oidc-provider fetches and caches it). A document
 * that cannot be fetched now costs only the name: the page shows the client id instead.
 */
async function metadataDocumentName(provider: Provider, clientId: string): Promise<string | undefined> {
  if (!clientId.startsWith('https://')) return undefined;
  try {
    return (await provider.Client.find(clientId))?.clientName;
  } catch {
    return undefined;
  }
}

/** The grant's client, if the grant is one of this account's: a person disconnects only their own apps. */
export async function ownGrantClient(
  backend: StorageBackend,
  accountId: string,
  grantId: string,
): Promise<{ clientId?: string } | undefined> {
  const record = await backend.artifacts.find('Grant', grantId);
  if (!record || record.payload.accountId !== accountId) return undefined;
  const clientId = record.payload.clientId;
  return typeof clientId === 'string' ? { clientId } : {};
}
