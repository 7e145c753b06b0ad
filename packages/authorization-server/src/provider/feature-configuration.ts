import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { clientIdMetadataDocumentPolicy } from './client-policy.ts';
import { dpopNonceSecret } from './dpop-nonces.ts';

type Features = NonNullable<Configuration['features']>;

export interface FeaturePolicies {
  /** RFC 8707 resource indicators, backed by the registry (resource-indicators.ts). */
  readonly resourceIndicators: Features['resourceIndicators'];
  /** Who may introspect which token (RFC 7662 §2.1, §4; introspection-policy.ts). */
  readonly introspectionAllowed: NonNullable<Features['introspection']>['allowedPolicy'];
  /** Who may revoke which token (RFC 7009 §2.1). */
  readonly revocationAllowed: NonNullable<Features['revocation']>['allowedPolicy'];
  /** Admits or refuses one RFC 7591 registration (rate limit, bound); none: always admitted. */
  readonly admitRegistration?: ((ctx: KoaContextWithOIDC) => Promise<false>) | undefined;
  /** The cookie keys in force: the DPoP nonce secret is derived from them (dpop-nonces.ts). */
  readonly cookieKeys: readonly string[];
}

const DAY = 24 * 3600;

/**
 * The oidc-provider features this AS uses: the three ways a client comes to exist (MCP
 * authorization: pre-registration, Client ID Metadata Documents, RFC 7591), resource indicators,
 * introspection, revocation, client credentials and DPoP. Everything else stays off.
 */
export function featureConfiguration(policies: FeaturePolicies): Features {
  return {
    devInteractions: { enabled: false },
    registration: {
      enabled: true,
      initialAccessToken: false,
      // Never issued (RFC 7592 management stays off); the hook admits the registration.
      issueRegistrationAccessToken: policies.admitRegistration ?? false,
    },
    clientIdMetadataDocument: {
      enabled: true,
      ack: 'draft-02',
      cacheDuration: { min: 60, max: DAY },
      allowClient: clientIdMetadataDocumentPolicy,
    },
    resourceIndicators: policies.resourceIndicators,
    introspection: { enabled: true, allowedPolicy: policies.introspectionAllowed },
    revocation: { enabled: true, allowedPolicy: policies.revocationAllowed },
    clientCredentials: { enabled: true },
    // RFC 9449: a token request with a DPoP proof gets tokens bound to its key (`cnf.jkt`), and a
    // public client's refresh token too (§5). Every proof must carry a nonce this AS provided
    // (§8): a proof made in advance, or stolen with the key's use, is useless minutes later.
    dPoP: {
      enabled: true,
      nonceSecret: dpopNonceSecret(policies.cookieKeys),
      requireNonce: () => true,
      allowReplay: false,
    },
    userinfo: { enabled: false },
    // OpenID RP-initiated logout serves oidc-provider's own pages (a confirm form, a success page
    // that loads a web font); MCP clients never use it, and signing out is the account page's.
    rpInitiatedLogout: { enabled: false },
  };
}
