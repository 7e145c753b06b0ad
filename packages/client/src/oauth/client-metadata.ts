import type { OAuthClientMetadata } from '@modelcontextprotocol/client';

/**
 * What this client says about itself when it registers (RFC 7591 §2): a native application
 * (RFC 8252 §8.4) with a loopback redirect URI, public unless a secret was configured.
 */
export function clientMetadataFor(options: {
  readonly redirectUrl: string;
  readonly confidential: boolean;
  readonly scope?: string | undefined;
}): OAuthClientMetadata {
  return {
    client_name: 'MCP Auth CLI',
    redirect_uris: [options.redirectUrl],
    // SEP-2207: a client that can keep refresh tokens says so with its grant types.
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: options.confidential ? 'client_secret_basic' : 'none',
    // RFC 8252 §8.4 / OIDC Registration: a CLI registers as a native application.
    application_type: 'native',
    software_id: 'mcp-auth-client',
    ...(options.scope ? { scope: options.scope } : {}),
  } as OAuthClientMetadata;
}
