import type { Configuration } from 'oidc-provider';
import { CLIENT_AUTH_METHODS } from '../clients/preregistered-metadata.ts';
import { PREFERRED_SIGNING_ALGORITHM, SIGNING_ALGORITHMS } from '../keys/server-secrets.ts';
import { INVENTED_CLIENT_METADATA, validateClientMetadata } from './client-policy.ts';
import { DPOP_SIGNING_ALGORITHMS } from './dpop-nonces.ts';

/** What any client may be and do: authentication, grants, PKCE, the metadata this AS accepts. */
export function clientConfiguration(): Pick<
  Configuration,
  'clientAuthMethods' | 'clientDefaults' | 'enabledJWA' | 'responseTypes' | 'pkce' | 'extraClientMetadata'
> {
  return {
    // OAuth 2.1 §2.4: no client_secret_jwt, which needs the secret in clear (ours are hashed).
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: PREFERRED_SIGNING_ALGORITHM,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      clientAuthSigningAlgValues: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      // RFC 9449 §5.1 `dpop_signing_alg_values_supported`.
      dPoPSigningAlgValues: [...DPOP_SIGNING_ALGORITHMS],
    },
    responseTypes: ['code'],
    // OAuth 2.1 §4.1.1, MCP authorization "Authorization Code Protection": PKCE always, S256 only
    // (oidc-provider supports no other).
    pkce: { required: () => true },
    // Fields once invented to carry privileges: refused wherever metadata comes from (client-policy.ts).
    extraClientMetadata: {
      properties: [...INVENTED_CLIENT_METADATA],
      validator: validateClientMetadata as never,
    },
  };
}
