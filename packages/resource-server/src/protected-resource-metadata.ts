import { DEMO_RESOURCE_NAME } from '@mcp-auth/shared';
import { DPOP_PROOF_ALGORITHMS } from './auth/dpop-proof.ts';
import { ALL_SCOPES } from './tools/tool-scopes.ts';

/**
 * RFC 9728 §3.1: the metadata URL puts `/.well-known/oauth-protected-resource` between the
 * host and the resource's path, so `http://host/mcp` is described at
 * `http://host/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname;
  // RFC 9728 §3.1: the resource's path and query follow the well-known segment.
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}

/** The paths this server answers metadata on: path-suffixed (RFC 9728 §3.1) and the root. */
export function protectedResourceMetadataPaths(resourceUrl: string): string[] {
  const suffixed = new URL(protectedResourceMetadataUrl(resourceUrl)).pathname;
  return [...new Set([suffixed, '/.well-known/oauth-protected-resource'])];
}

export function protectedResourceMetadata(
  resourceUrl: string,
  authorizationServer: string,
  dpopRequired = false,
) {
  return {
    // RFC 9728 §3.3: exactly the MCP endpoint URL, which clients compare with the URL they called.
    resource: resourceUrl,
    authorization_servers: [authorizationServer],
    // SEP-2207: offline_access is a matter between client and AS, never listed here.
    scopes_supported: [...ALL_SCOPES],
    resource_name: DEMO_RESOURCE_NAME,
    bearer_methods_supported: ['header'],
    // RFC 9728 §2: the DPoP proof algorithms accepted (RFC 9449), and whether tokens must be
    // DPoP-bound (`--require-dpop`), so a client knows to ask for a bound token before it tries.
    dpop_signing_alg_values_supported: [...DPOP_PROOF_ALGORITHMS],
    ...(dpopRequired ? { dpop_bound_access_tokens_required: true } : {}),
  };
}
