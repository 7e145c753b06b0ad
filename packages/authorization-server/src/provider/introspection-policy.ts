import type { KoaContextWithOIDC } from 'oidc-provider';

interface IntrospectingClient {
  readonly clientId: string;
  readonly clientAuthMethod: string;
  readonly [key: string]: unknown;
}

interface IntrospectedToken {
  readonly clientId?: string;
}

/**
 * RFC 7662 §2.1 requires the caller to be authorized; §4 warns that answering anyone lets a
 * token scanner probe for valid tokens. Here only resource servers the operator registered
 * (or the development credential) may introspect any token; another confidential client may
 * introspect only tokens issued to itself; a public client (`none`) never.
 */
export function isIntrospectionAllowed(
  client: IntrospectingClient,
  token: IntrospectedToken,
  resourceServerClientIds: ReadonlySet<string>,
): boolean {
  if (client.clientAuthMethod === 'none') return false;
  if (client.mcp_resource_server === true || resourceServerClientIds.has(client.clientId)) return true;
  return token.clientId === client.clientId;
}

export function introspectionAllowedPolicy(resourceServerClientIds: ReadonlySet<string>) {
  return async (_ctx: KoaContextWithOIDC, client: unknown, token: unknown) =>
    isIntrospectionAllowed(
      client as IntrospectingClient,
      token as IntrospectedToken,
      resourceServerClientIds,
    );
}

/**
 * RFC 7009 §2.1: the AS verifies that the token was issued to the client asking to revoke it.
 * A token of another client is answered like an unknown one (200, nothing revoked), so the
 * endpoint cannot be used to probe for other clients' tokens.
 */
export function revocationAllowedPolicy() {
  return async (_ctx: KoaContextWithOIDC, client: unknown, token: unknown) =>
    (token as IntrospectedToken).clientId === (client as IntrospectingClient).clientId;
}
