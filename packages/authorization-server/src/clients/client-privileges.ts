import type { AdapterPayload } from 'oidc-provider';
import { z } from 'zod';
import type { ResourceRegistry } from '../resource-registry.ts';
import type { ArtifactStore } from '../storage/storage-backend.ts';
import { ClientCache, type ClientCacheOptions, DEFAULT_CLIENT_CACHE } from './client-cache.ts';

/**
 * What the operator lets a client do beyond what any client may: kept OUTSIDE the client's
 * metadata, in a record only the operator's path writes (`mcp-auth-as clients add`, static
 * clients configured in code), so no metadata a client supplies (RFC 7591 registration, a Client
 * ID Metadata Document, a field we invented) can ever carry a privilege. A client without a
 * record is an ordinary client; having a record at all means the operator registered it.
 *
 * Stored as artifacts of their own model, keyed by client id in clear (a client id is public),
 * never expiring; oidc-provider never sees this model.
 */
export const CLIENT_PRIVILEGES_MODEL = 'ClientPrivileges';

const privilegesSchema = z.object({
  /**
   * RFC 6749 §4.4: the client_credentials grant, for these scopes only (nobody consents to them).
   * `everyScope` only comes from clients registered before this record existed, which could then
   * ask for any scope (the migration in storage/*-schema.ts keeps them working).
   */
  clientCredentials: z
    .union([z.object({ scope: z.string() }).strict(), z.object({ everyScope: z.literal(true) }).strict()])
    .optional(),
  /**
   * RFC 7662: a resource server, told about access tokens whose audience is one of these
   * resources. `everyResource`: the development credential, and resource servers registered
   * before resources were bound.
   */
  introspection: z
    .union([
      z.object({ resources: z.array(z.string()).min(1) }).strict(),
      z.object({ everyResource: z.literal(true) }).strict(),
    ])
    .optional(),
});

export type ClientPrivileges = z.infer<typeof privilegesSchema>;

/** The client as oidc-provider hands it to a policy. */
export interface PrivilegedClientCandidate {
  readonly clientId: string;
  /** Set by oidc-provider on clients resolved from a Client ID Metadata Document. */
  readonly clientIdMetadataDocument?: boolean;
}

/** Reads privilege records; the provider's policies use nothing else. */
export class ClientPrivilegeRecords {
  readonly #artifacts: ArtifactStore;
  readonly #static: ReadonlyMap<string, ClientPrivileges>;
  readonly #cache: ClientCache;

  constructor(
    artifacts: ArtifactStore,
    options: {
      /** Privileges of clients configured in code (the development introspection client). */
      staticPrivileges?: ReadonlyMap<string, ClientPrivileges>;
      /** Same lifetime as the client cache by default: a removed client loses them within 5 s. */
      cache?: Partial<ClientCacheOptions>;
    } = {},
  ) {
    this.#artifacts = artifacts;
    this.#static = options.staticPrivileges ?? new Map();
    this.#cache = new ClientCache({ ...DEFAULT_CLIENT_CACHE, ...options.cache });
  }

  /**
   * The client's privileges, or undefined. A client resolved from a Client ID Metadata Document
   * never has any, even if a record happened to exist under its URL: its metadata is whatever
   * the document's host publishes. A malformed record grants nothing.
   */
  async of(client: PrivilegedClientCandidate): Promise<ClientPrivileges | undefined> {
    if (client.clientIdMetadataDocument === true) return undefined;
    const configured = this.#static.get(client.clientId);
    if (configured) return configured;
    const payload = await this.#cache.find(client.clientId, async () => {
      const record = await this.#artifacts.find(CLIENT_PRIVILEGES_MODEL, client.clientId);
      return record?.payload as AdapterPayload | undefined;
    });
    const parsed = privilegesSchema.safeParse(payload);
    return payload && parsed.success ? parsed.data : undefined;
  }
}

/** The operator's path only (`clients add`, `RunningAuthorizationServer.registerClient`). */
export async function writeClientPrivileges(
  artifacts: ArtifactStore,
  clientId: string,
  privileges: ClientPrivileges,
): Promise<void> {
  await artifacts.upsert({
    model: CLIENT_PRIVILEGES_MODEL,
    key: clientId,
    payload: privilegesSchema.parse(privileges) as Record<string, unknown>,
  });
}

/** The operator's path only (`clients remove`). */
export async function removeClientPrivileges(artifacts: ArtifactStore, clientId: string): Promise<void> {
  await artifacts.destroy(CLIENT_PRIVILEGES_MODEL, clientId);
}

/** The resources whose access tokens the client may introspect (empty: none). */
export function introspectableResources(
  privileges: ClientPrivileges | undefined,
  registry: ResourceRegistry,
): ReadonlySet<string> {
  const introspection = privileges?.introspection;
  if (!introspection) return new Set();
  if ('everyResource' in introspection) return new Set(registry.all.map((resource) => resource.uri));
  return new Set(introspection.resources);
}

/** The scopes the client may get through client_credentials; undefined: not that grant at all. */
export function clientCredentialsScopes(
  privileges: ClientPrivileges | undefined,
  registry: ResourceRegistry,
): ReadonlySet<string> | undefined {
  const grant = privileges?.clientCredentials;
  if (!grant) return undefined;
  if ('everyScope' in grant) return new Set(registry.allScopeNames);
  return new Set(grant.scope.split(' ').filter(Boolean));
}
