import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalResourceUri, UsageError } from '@mcp-auth/shared';
import type { Adapter } from 'oidc-provider';
import { offeredScopes, type ResourceRegistry } from '../resource-registry.ts';
import type { ArtifactStore } from '../storage/storage-backend.ts';
import { type ClientPrivileges, removeClientPrivileges, writeClientPrivileges } from './client-privileges.ts';
import {
  type ClientAuthMethod,
  type PreregisteredMetadata,
  preregisteredMetadataProblem,
} from './preregistered-metadata.ts';

type AdapterFactory = (name: string) => Adapter;

export interface PreregisteredClientInput {
  readonly name: string;
  /** May introspect access tokens (RFC 7662) for `resources`: a resource server. */
  readonly resourceServer?: boolean;
  /** The resources a resource server serves (canonical URIs, RFC 8707); required with it. */
  readonly resources?: string[];
  readonly grantTypes?: string[];
  /** The scopes it may get; required with the client_credentials grant. */
  readonly scope?: string;
  readonly authMethod?: ClientAuthMethod;
  /** Public keys for `private_key_jwt` (RFC 7523). */
  readonly jwks?: { keys: Record<string, unknown>[] };
  readonly redirectUris?: string[];
  readonly clientId?: string;
}

export interface PreregisteredClient {
  readonly client_id: string;
  /** Shown once; only its hash is stored. */
  readonly client_secret?: string;
  readonly metadata: PreregisteredMetadata;
  readonly privileges: ClientPrivileges;
}

export interface PreregistrationTarget {
  readonly adapter: AdapterFactory;
  readonly artifacts: ArtifactStore;
  /** The resources the AS serves, when known (a running server): bindings must name them. */
  readonly registry?: ResourceRegistry;
}

/**
 * Registers a client the operator trusts (the first choice in MCP's registration order): a
 * confidential client for the client credentials grant, a resource server allowed to
 * introspect, or a public app with fixed redirect URIs. Its metadata is checked against what
 * oidc-provider accepts (preregistered-metadata.ts) before it is stored; the secret is stored
 * hashed by the adapter. What the client may do beyond an ordinary client goes to the operator's
 * privilege record, never into its metadata; the client is written first, so a failure leaves a
 * client with less, not more.
 */
export async function registerPreregisteredClient(
  target: PreregistrationTarget,
  input: PreregisteredClientInput,
): Promise<PreregisteredClient> {
  const authMethod = input.authMethod ?? (input.jwks ? 'private_key_jwt' : 'client_secret_basic');
  const needsSecret = authMethod === 'client_secret_basic' || authMethod === 'client_secret_post';
  const clientId = input.clientId ?? `mcp-${randomUUID()}`;
  const clientSecret = needsSecret ? randomBytes(32).toString('base64url') : undefined;
  const redirectUris = input.redirectUris ?? [];
  const grantTypes =
    input.grantTypes ?? (redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : []);
  const metadata: PreregisteredMetadata = {
    client_id: clientId,
    client_name: input.name,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: redirectUris,
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.jwks ? { jwks: input.jwks } : {}),
    ...(clientSecret ? { client_secret: clientSecret } : {}),
  };
  const problem = preregisteredMetadataProblem(
    metadata,
    target.registry && new Set(offeredScopes(target.registry)),
  );
  if (problem) throw new UsageError(problem);
  const privileges = privilegesFor(input, grantTypes, target.registry);
  const clients = target.adapter('Client');
  if (await clients.find(clientId)) {
    throw new UsageError(`a client with id ${clientId} already exists`);
  }
  await clients.upsert(clientId, metadata as never);
  try {
    await writeClientPrivileges(target.artifacts, clientId, privileges);
  } catch (error) {
    await clients.destroy(clientId);
    throw error;
  }
  return {
    client_id: clientId,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    metadata,
    privileges,
  };
}

function privilegesFor(
  input: PreregisteredClientInput,
  grantTypes: readonly string[],
  registry: ResourceRegistry | undefined,
): ClientPrivileges {
  const privileges: { -readonly [K in keyof ClientPrivileges]: ClientPrivileges[K] } = {};
  if (grantTypes.includes('client_credentials')) {
    const scope = input.scope?.trim();
    if (!scope) {
      throw new UsageError(
        'the client_credentials grant needs --scope "S1 S2": the scopes this client may get with no person consenting',
      );
    }
    privileges.clientCredentials = { scope: scope.split(/\s+/).join(' ') };
  }
  if (input.resourceServer) {
    privileges.introspection = { resources: boundResources(input.resources ?? [], registry) };
  } else if (input.resources?.length) {
    throw new UsageError('--resource names what a resource server serves: add --resource-server');
  }
  return privileges;
}

/** RFC 8707 §2 canonical URIs of the resources a resource server is bound to. */
function boundResources(resources: readonly string[], registry: ResourceRegistry | undefined): string[] {
  const registered = registry?.all.map((resource) => resource.uri);
  const known = registered
    ? ` (this server serves ${registered.join(', ')})`
    : ' (its URI exactly as the AS registers it with --resource or --config)';
  if (resources.length === 0) {
    throw new UsageError(
      `a resource server introspects tokens for the resources it serves: add --resource URI for each${known}`,
    );
  }
  return resources.map((resource) => {
    const canonical = canonicalResourceUri(resource);
    if (!canonical) {
      throw new UsageError(`--resource ${JSON.stringify(resource)} is not an absolute http(s) URI`);
    }
    if (registered && !registered.includes(canonical)) {
      throw new UsageError(`--resource ${canonical} is not registered with this server${known}`);
    }
    return canonical;
  });
}

export async function removePreregisteredClient(
  target: Pick<PreregistrationTarget, 'adapter' | 'artifacts'>,
  clientId: string,
): Promise<boolean> {
  const client = target.adapter('Client');
  const existed = (await client.find(clientId)) !== undefined;
  // The privileges go first: a client left without them can do less, never more.
  await removeClientPrivileges(target.artifacts, clientId);
  if (existed) await client.destroy(clientId);
  return existed;
}
