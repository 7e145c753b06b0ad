import { errors } from 'oidc-provider';
import { redirectUrisProblem } from '../clients/redirect-uri-policy.ts';

/**
 * Fields this project once invented to carry privileges inside client metadata. Privileges now
 * live in the operator's records (clients/client-privileges.ts); metadata naming one of these is
 * refused on every route (dynamic registration, Client ID Metadata Documents, stored clients),
 * whatever its value, so nobody can believe such a field still means something.
 */
export const INVENTED_CLIENT_METADATA = ['mcp_resource_server', 'mcp_preregistered'] as const;

/** The grants a client that registered itself may use: a person signs in and consents to each. */
const SELF_REGISTERED_GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);

/** Client authentication a Client ID Metadata Document may declare: none, or its own keys. */
const METADATA_DOCUMENT_AUTH_METHODS = new Set(['none', 'private_key_jwt']);

const OPERATOR_ONLY =
  'is granted only by the operator (mcp-auth-as clients add), never by metadata a client supplies';

interface ValidatorContext {
  oidc?: { route?: string };
}

/**
 * `extraClientMetadata.validator`: oidc-provider runs it, synchronously, for every client it
 * builds: with the request's `ctx` on the registration route (RFC 7591), without one for stored
 * clients and Client ID Metadata Documents (those get `clientIdMetadataDocumentPolicy`).
 */
export function validateClientMetadata(
  ctx: ValidatorContext | undefined,
  key: string,
  value: unknown,
  metadata: Record<string, unknown>,
): void {
  if (value !== undefined) {
    throw new errors.InvalidClientMetadata(`${key} is not client metadata: that privilege ${OPERATOR_ONLY}`);
  }
  // Called once per invented field; the registration rules need to run only once.
  if (ctx?.oidc?.route !== 'registration' || key !== INVENTED_CLIENT_METADATA[0]) return;
  // A registered `scope` would bind the client to it (oidc-provider enforces it on every
  // request). MCP clients register before they know every scope a server will ask for, and
  // step up later (MCP authorization "Scope Selection Strategy"); what they get is decided by
  // the resource's scopes and the person's consent, so a self-registered scope is not kept.
  delete metadata.scope;
  const problem =
    selfRegisteredGrantProblem(metadata.grant_types) ?? redirectUrisProblem(metadata.redirect_uris);
  if (problem) throw new errors.InvalidClientMetadata(problem);
}

function selfRegisteredGrantProblem(grantTypes: unknown): string | undefined {
  if (!Array.isArray(grantTypes)) return undefined; // oidc-provider's defaults and schema apply
  if (grantTypes.includes('client_credentials')) {
    return `grant_types: the client_credentials grant ${OPERATOR_ONLY}`;
  }
  const other = grantTypes.find((grant) => !SELF_REGISTERED_GRANT_TYPES.has(grant));
  return other === undefined
    ? undefined
    : `grant_types: ${JSON.stringify(other)} is not available; use authorization_code (and refresh_token)`;
}

/** What oidc-provider's Client exposes to `allowClient`. */
interface MetadataDocumentClient {
  metadata(): Record<string, unknown>;
}

/**
 * `features.clientIdMetadataDocument.allowClient`: runs every time a client resolved from a
 * Client ID Metadata Document is used. Such a client is whatever its document's host says, so it
 * may be exactly one thing: an app a person signs in to, with the authorization code grant
 * (and refresh tokens), `response_types: ["code"]`, authenticating with nothing (`none`) or with
 * its own keys (`private_key_jwt`, RFC 7523, authentication only), redirecting only where the
 * redirect URI rule allows. Anything else is refused with a description the client sees.
 */
export async function clientIdMetadataDocumentPolicy(_ctx: unknown, client: unknown): Promise<boolean> {
  const metadata = (client as MetadataDocumentClient).metadata();
  const problem = metadataDocumentProblem(metadata);
  if (problem) throw new errors.InvalidClientMetadata(problem);
  return true;
}

function metadataDocumentProblem(metadata: Record<string, unknown>): string | undefined {
  const grantTypes = (metadata.grant_types as string[] | undefined) ?? [];
  const grantProblem = selfRegisteredGrantProblem(grantTypes);
  if (grantProblem) return `client_id metadata document ${grantProblem}`;
  if (!grantTypes.includes('authorization_code')) {
    return 'client_id metadata document grant_types must include authorization_code';
  }
  const responseTypes = (metadata.response_types as string[] | undefined) ?? [];
  if (responseTypes.length !== 1 || responseTypes[0] !== 'code') {
    return 'client_id metadata document response_types must be ["code"]';
  }
  const authMethod = String(metadata.token_endpoint_auth_method);
  if (!METADATA_DOCUMENT_AUTH_METHODS.has(authMethod)) {
    return `client_id metadata document token_endpoint_auth_method must be none or private_key_jwt, not ${JSON.stringify(authMethod)}`;
  }
  return redirectUrisProblem(metadata.redirect_uris);
}
