import { CLIENT_LAST_USED_MODEL, clientLastUsedAt } from '../clients/client-activity.ts';
import { CLIENT_PRIVILEGES_MODEL, type ClientPrivileges } from '../clients/client-privileges.ts';
import type { ListedRecord, StorageBackend } from '../storage/storage-backend.ts';
import { isoTime, revokeGrants } from './grant-inventory.ts';

/**
 * A stored client as the operator sees it. These are the field names of `mcp-auth-as clients
 * list|show --json`: keep them stable.
 *
 * Clients known by a Client ID Metadata Document URL are never stored (their document is fetched
 * and cached), so they are not listed.
 */
export interface ClientSummary {
  readonly clientId: string;
  readonly name: string | null;
  /** `pre-registered` by the operator (never expires) or `dynamic` (RFC 7591, expires unless used). */
  readonly registration: 'pre-registered' | 'dynamic';
  readonly authMethod: string | null;
  readonly grantTypes: readonly string[];
  readonly redirectUris: readonly string[];
  /** RFC 7662: the resources whose access tokens it may introspect, or `["*"]` for every one. */
  readonly resourceServerFor: readonly string[] | null;
  /** RFC 6749 §4.4: the scopes it may get with client_credentials, or `["*"]` for every one. */
  readonly clientCredentialsScopes: readonly string[] | null;
  /** ISO 8601, for dynamic clients (RFC 7591 `client_id_issued_at`). */
  readonly registeredAt: string | null;
  /** ISO 8601 to the hour: its last successful token, introspection or revocation request. */
  readonly lastUsedAt: string | null;
  /** ISO 8601: when a dynamic client is deleted unless used before. */
  readonly expiresAt: string | null;
}

/** Every stored client, ordered by id. */
export async function listClients(backend: StorageBackend): Promise<ClientSummary[]> {
  const [clients, privileges] = await Promise.all([
    backend.artifacts.listLive('Client'),
    backend.artifacts.listLive(CLIENT_PRIVILEGES_MODEL),
  ]);
  const privilegesById = new Map(privileges.map((record) => [record.key, record.payload]));
  return Promise.all(
    clients.map(async (client) =>
      clientSummary(
        client,
        privilegesById.get(client.key),
        await clientLastUsedAt(backend.artifacts, client.key),
      ),
    ),
  );
}

/** One stored client, or undefined. */
export async function findClient(
  backend: StorageBackend,
  clientId: string,
): Promise<ClientSummary | undefined> {
  const record = (await backend.artifacts.listLive('Client')).find((client) => client.key === clientId);
  if (!record) return undefined;
  const privileges = await backend.artifacts.find(CLIENT_PRIVILEGES_MODEL, clientId);
  return clientSummary(record, privileges?.payload, await clientLastUsedAt(backend.artifacts, clientId));
}

function clientSummary(
  record: ListedRecord,
  privilegesPayload: Record<string, unknown> | undefined,
  lastUsedAt: number | undefined,
): ClientSummary {
  const metadata = record.payload;
  const privileges = privilegesPayload as ClientPrivileges | undefined;
  const introspection = privileges?.introspection;
  const clientCredentials = privileges?.clientCredentials;
  return {
    clientId: record.key,
    name: typeof metadata.client_name === 'string' ? metadata.client_name : null,
    // Only RFC 7591 registrations are saved with an expiry (clients/dynamic-client-registration.ts).
    registration: record.expiresAt === undefined ? 'pre-registered' : 'dynamic',
    authMethod:
      typeof metadata.token_endpoint_auth_method === 'string' ? metadata.token_endpoint_auth_method : null,
    grantTypes: stringList(metadata.grant_types),
    redirectUris: stringList(metadata.redirect_uris),
    resourceServerFor: introspection
      ? 'everyResource' in introspection
        ? ['*']
        : [...introspection.resources]
      : null,
    clientCredentialsScopes: clientCredentials
      ? 'everyScope' in clientCredentials
        ? ['*']
        : clientCredentials.scope.split(' ').filter(Boolean)
      : null,
    registeredAt:
      typeof metadata.client_id_issued_at === 'number' ? isoTime(metadata.client_id_issued_at) : null,
    lastUsedAt: lastUsedAt === undefined ? null : isoTime(lastUsedAt),
    expiresAt: record.expiresAt === undefined ? null : isoTime(record.expiresAt),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * `mcp-auth-as clients remove ID`: the client goes (running servers stop accepting it within
 * 5 seconds, their client cache's lifetime), with its privileges and its last-use record, and every
 * grant it holds is revoked so that no token it was given outlives it. Works for pre-registered
 * and dynamic clients alike. Returns how many grants were revoked, or undefined when there was no
 * such client.
 */
export async function removeClient(
  backend: StorageBackend,
  removeStoredClient: (clientId: string) => Promise<boolean>,
  clientId: string,
): Promise<{ grantsRevoked: number } | undefined> {
  if (!(await removeStoredClient(clientId))) return undefined;
  const revoked = await revokeGrants(backend, { clientId });
  await backend.artifacts.destroy(CLIENT_LAST_USED_MODEL, clientId);
  return { grantsRevoked: revoked.length };
}
