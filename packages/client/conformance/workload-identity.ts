import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';

/** RFC 7523 §2.1: the grant type of a JWT used as an authorization grant. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Workload identity federation (SEP-1933): a workload with no person and no registration presents
 * the JWT its platform issued it (audience: the AS) as an RFC 7523 §2.1 authorization grant,
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>`, as a public client
 * (`token_endpoint_auth_method: none`, the client id the AS knows the workload by). The SDK's
 * `auth()` discovers the AS, adds `resource` (RFC 8707) and sends the request; an error is
 * surfaced, never retried with another grant.
 */
export class WorkloadIdentityProvider implements OAuthClientProvider {
  readonly #clientId: string;
  readonly #assertion: string;
  #tokens: StoredOAuthTokens | undefined;

  constructor(options: { clientId: string; assertion: string }) {
    this.#clientId = options.clientId;
    this.#assertion = options.assertion;
  }

  get redirectUrl(): undefined {
    return undefined;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcp-auth-client workload',
      redirect_uris: [],
      grant_types: [JWT_BEARER_GRANT_TYPE],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): StoredOAuthClientInformation {
    return { client_id: this.#clientId };
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(): void {
    throw new Error('a workload signs in with its JWT, never through a browser');
  }

  saveCodeVerifier(): void {
    // No authorization code, so no PKCE verifier.
  }

  codeVerifier(): string {
    throw new Error('a workload has no authorization code, so no PKCE verifier');
  }

  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    const params = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: this.#assertion });
    if (scope) params.set('scope', scope);
    return params;
  }
}
