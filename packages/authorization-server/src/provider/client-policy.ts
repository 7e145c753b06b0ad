import { errors } from 'oidc-provider';

/**
 * Client metadata only the operator may set (through `mcp-auth-as clients add`), never a client
 * registering itself: whether it may introspect tokens (it is a resource server), and whether it
 * was pre-registered (which gates the client credentials grant).
 */
export const PRIVILEGED_CLIENT_METADATA = ['mcp_resource_server', 'mcp_preregistered'] as const;

interface ValidatorContext {
  oidc?: { route?: string };
}

function isSelfRegistration(ctx: ValidatorContext | undefined): boolean {
  return ctx?.oidc?.route === 'registration';
}

/**
 * `extraClientMetadata.validator`: runs for every client oidc-provider instantiates, with `ctx`
 * telling where. Dynamic registration (RFC 7591) may not claim privileges, and may not register
 * for the client credentials grant: that grant is for confidential clients the operator
 * pre-registered (MCP extension "OAuth client credentials"), else anyone could mint tokens.
 */
export function validatePrivilegedClientMetadata(
  ctx: ValidatorContext | undefined,
  key: string,
  value: unknown,
  metadata: Record<string, unknown>,
): void {
  if (!isSelfRegistration(ctx)) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new errors.InvalidClientMetadata(`${key} must be a boolean`);
    }
    return;
  }
  if (value !== undefined) {
    throw new errors.InvalidClientMetadata(`${key} cannot be set through dynamic client registration`);
  }
  if (key === PRIVILEGED_CLIENT_METADATA[0]) {
    // A registered `scope` would bind the client to it (oidc-provider enforces it on every
    // request). MCP clients register before they know every scope a server will ask for, and
    // step up later (MCP authorization "Scope Selection Strategy"); what they get is decided by
    // the resource's scopes and the person's consent, so a self-registered scope is not kept.
    delete metadata.scope;
  }
  const grantTypes = metadata.grant_types;
  if (
    key === PRIVILEGED_CLIENT_METADATA[0] &&
    Array.isArray(grantTypes) &&
    grantTypes.includes('client_credentials')
  ) {
    throw new errors.InvalidClientMetadata(
      'the client_credentials grant is only available to clients pre-registered by the operator',
    );
  }
}
