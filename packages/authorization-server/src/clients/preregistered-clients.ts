import { randomBytes, randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Adapter } from 'oidc-provider';

type AdapterFactory = (name: string) => Adapter;

export interface PreregisteredClientInput {
  readonly name: string;
  /** May introspect tokens (RFC 7662): a resource server. */
  readonly resourceServer?: boolean;
  readonly grantTypes?: string[];
  readonly scope?: string;
  readonly authMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** Public keys for `private_key_jwt` (RFC 7523). */
  readonly jwks?: { keys: Record<string, unknown>[] };
  readonly redirectUris?: string[];
  readonly clientId?: string;
}

export interface PreregisteredClient {
  readonly client_id: string;
  /** Shown once; only its hash is stored. */
  readonly client_secret?: string;
  readonly metadata: Record<string, unknown>;
}

/**
 * Registers a client the operator trusts (the first choice in MCP's registration order): a
 * confidential client for the client credentials grant, a resource server allowed to
 * introspect, or a public app with fixed redirect URIs. Metadata is validated by oidc-provider's
 * own client schema before it is stored; the secret is stored hashed by the adapter.
 */
export async function registerPreregisteredClient(
  provider: Provider,
  adapter: AdapterFactory,
  input: PreregisteredClientInput,
): Promise<PreregisteredClient> {
  const authMethod = input.authMethod ?? (input.jwks ? 'private_key_jwt' : 'client_secret_basic');
  const needsSecret = authMethod === 'client_secret_basic' || authMethod === 'client_secret_post';
  const clientId = input.clientId ?? `mcp-${randomUUID()}`;
  const clientSecret = needsSecret ? randomBytes(32).toString('base64url') : undefined;
  const redirectUris = input.redirectUris ?? [];
  const grantTypes =
    input.grantTypes ?? (redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : []);
  const metadata: Record<string, unknown> = {
    client_id: clientId,
    client_name: input.name,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: redirectUris,
    mcp_preregistered: true,
    ...(input.resourceServer ? { mcp_resource_server: true } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.jwks ? { jwks: input.jwks } : {}),
    ...(clientSecret ? { client_secret: clientSecret } : {}),
  };
  await provider.Client.validate(metadata as never);
  if (await adapter('Client').find(clientId)) {
    throw new Error(`a client with id ${clientId} already exists`);
  }
  await adapter('Client').upsert(clientId, metadata as never);
  return { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), metadata };
}

export async function removePreregisteredClient(adapter: AdapterFactory, clientId: string): Promise<boolean> {
  const client = adapter('Client');
  if (!(await client.find(clientId))) return false;
  await client.destroy(clientId);
  return true;
}
