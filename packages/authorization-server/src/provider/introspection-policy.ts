import type { KoaContextWithOIDC } from 'oidc-provider';
import {
  type ClientPrivilegeRecords,
  type ClientPrivileges,
  introspectableResources,
  type PrivilegedClientCandidate,
} from '../clients/client-privileges.ts';
import type { ResourceRegistry } from '../resource-registry.ts';

interface IntrospectingClient extends PrivilegedClientCandidate {
  readonly clientAuthMethod: string;
}

interface IntrospectedToken {
  readonly kind?: string;
  readonly clientId?: string;
  /** The resource the token is for (RFC 8707); one canonical URI, see resource-indicators.ts. */
  readonly aud?: unknown;
}

/** The kinds oidc-provider introspects that are access tokens (a person's, or client_credentials). */
const ACCESS_TOKEN_KINDS = new Set(['AccessToken', 'ClientCredentials']);

/**
 * RFC 7662 §2.1 requires the caller to be authorized; §4 warns that answering anyone lets a
 * token scanner probe for valid tokens, and that a resource server should learn only about
 * tokens meant for it. So:
 * - a resource server (the operator's record says which resources it serves) learns about
 *   ACCESS tokens whose audience is one of them: never refresh tokens, never another resource's;
 * - any confidential client learns about tokens issued to itself;
 * - a public client (`none`) learns nothing.
 * Everything else is answered `{"active": false}`, exactly like an unknown token.
 */
export function isIntrospectionAllowed(
  client: IntrospectingClient,
  token: IntrospectedToken,
  privileges: ClientPrivileges | undefined,
  registry: ResourceRegistry,
): boolean {
  if (client.clientAuthMethod === 'none') return false;
  if (token.clientId === client.clientId) return true;
  return (
    ACCESS_TOKEN_KINDS.has(token.kind ?? '') &&
    typeof token.aud === 'string' &&
    introspectableResources(privileges, registry).has(token.aud)
  );
}

export function introspectionAllowedPolicy(privileges: ClientPrivilegeRecords, registry: ResourceRegistry) {
  return async (_ctx: KoaContextWithOIDC, client: unknown, token: unknown) => {
    const caller = client as IntrospectingClient;
    const introspected = token as IntrospectedToken;
    if (caller.clientAuthMethod === 'none') return false;
    const ownToken = introspected.clientId === caller.clientId;
    return isIntrospectionAllowed(
      caller,
      introspected,
      ownToken ? undefined : await privileges.of(caller),
      registry,
    );
  };
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
