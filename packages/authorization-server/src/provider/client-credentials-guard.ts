import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import {
  type ClientPrivilegeRecords,
  clientCredentialsScopes,
  type PrivilegedClientCandidate,
} from '../clients/client-privileges.ts';
import type { ResourceRegistry } from '../resource-registry.ts';

interface ClientCredentialsToken {
  readonly client?: PrivilegedClientCandidate;
  readonly scope?: string;
}

/**
 * The client_credentials grant (RFC 6749 §4.4) mints tokens no person consented to, so the
 * operator's record decides who gets it and for which scopes, whatever the client's metadata
 * says: oidc-provider's own check reads `grant_types` and `scope` from the metadata, which a
 * bug, an old version or a hand edit could have widened. Every such token is built by
 * oidc-provider's ClientCredentials model and saved before it is issued, so the check sits in
 * its `save`: no route, present or future, issues one without passing it.
 */
export function requireClientCredentialsPrivilege(
  provider: Provider,
  privileges: ClientPrivilegeRecords,
  registry: ResourceRegistry,
): void {
  const prototype = provider.ClientCredentials.prototype as unknown as {
    save(this: ClientCredentialsToken): Promise<string>;
  };
  const save = prototype.save;
  prototype.save = async function saveIfGranted(this: ClientCredentialsToken) {
    const granted = this.client && clientCredentialsScopes(await privileges.of(this.client), registry);
    if (!granted) {
      // RFC 6749 §5.2: "not authorized to use this authorization grant type".
      throw new errors.UnauthorizedClient(
        'the client_credentials grant was not granted to this client by the operator (mcp-auth-as clients add)',
      );
    }
    const beyond = (this.scope ?? '').split(' ').filter((scope) => scope && !granted.has(scope));
    if (beyond.length > 0) {
      throw new errors.InvalidScope('requested scope is not granted to this client', beyond.join(' '));
    }
    return save.call(this);
  };
}
