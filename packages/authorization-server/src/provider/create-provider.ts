import type { Logger } from '@mcp-auth/shared';
import Provider, { type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import type { ClientPrivilegeRecords } from '../clients/client-privileges.ts';
import { type ConsentMemory, loadExistingGrant } from '../interactions/remembered-consent.ts';
import type { Issuer } from '../issuer.ts';
import type { KeysInForce } from '../keys/keys-in-force.ts';
import { PREFERRED_SIGNING_ALGORITHM } from '../keys/server-secrets.ts';
import { offeredScopes, type ResourceRegistry } from '../resource-registry.ts';
import { accountConfiguration } from './account-claims.ts';
import { answerMissingClientAuthenticationWith401 } from './client-authentication-errors.ts';
import { clientConfiguration } from './client-configuration.ts';
import { requireClientCredentialsPrivilege } from './client-credentials-guard.ts';
import { patchClientBehaviour } from './client-patches.ts';
import { allowedClientOrigin, answerCrossOriginRequests } from './cross-origin-policy.ts';
import { assignDefaultScopes } from './default-scopes.ts';
import { featureConfiguration } from './feature-configuration.ts';
import { refuseInsecureSignIn } from './insecure-sign-in-guard.ts';
import { createInteractionPolicy } from './interaction-policy.ts';
import { introspectionAllowedPolicy, revocationAllowedPolicy } from './introspection-policy.ts';
import { answerJwtAccessTokensAtIntrospectionAndRevocation } from './jwt-access-token-endpoints.ts';
import { JWT_ACCESS_TOKEN_LEDGER_MODEL, JwtAccessTokenLedger } from './jwt-access-token-ledger.ts';
import { logProviderEvents } from './provider-events.ts';
import { refuseFramingOfProviderPages, renderProviderError } from './provider-pages.ts';
import { resourceIndicatorsFeature } from './resource-indicators.ts';
import { type TokenLifetimes, tokenConfiguration } from './token-configuration.ts';

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;
type AdapterFactory = (name: string) => Adapter;

export interface ProviderDependencies {
  readonly issuer: Issuer;
  readonly registry: ResourceRegistry;
  /** The signing and cookie keys in force now (keys/key-refresh.ts keeps them current). */
  readonly keys: () => KeysInForce;
  readonly adapter: AdapterFactory;
  readonly accounts: AccountService;
  readonly consentMemory: ConsentMemory;
  /** The SSRF-safe fetch used for Client ID Metadata Documents. */
  readonly metadataFetch: Fetch;
  /** Statically configured clients (the development introspection client, pre-registered ones). */
  readonly staticClients: Configuration['clients'];
  /** The operator's records of what a client may do beyond any client (clients/client-privileges.ts). */
  readonly privileges: ClientPrivilegeRecords;
  /** Admits or refuses one RFC 7591 registration (rate limit, bound); none: always admitted. */
  readonly admitRegistration?: (ctx: KoaContextWithOIDC) => Promise<false>;
  readonly trustProxy: boolean;
  readonly logger: Logger;
  /** Refresh token and code lifetimes (access tokens: the registry's). */
  readonly tokenLifetimes?: TokenLifetimes;
}

/**
 * Builds the oidc-provider instance: all OAuth endpoints are its; the policy is ours. The
 * configuration is composed here from one piece per concern; the behaviours oidc-provider has no
 * setting for are installed on the instance after it.
 */
export function createProvider(deps: ProviderDependencies): Provider {
  const resourceIndicators = resourceIndicatorsFeature(deps.registry, PREFERRED_SIGNING_ALGORITHM);
  const introspectionAllowed = introspectionAllowedPolicy(deps.privileges, deps.registry);
  const revocationAllowed = revocationAllowedPolicy();
  const jwtLedger = new JwtAccessTokenLedger(deps.adapter(JWT_ACCESS_TOKEN_LEDGER_MODEL));
  const cookie = { httpOnly: true, sameSite: 'lax', secure: deps.issuer.isHttps } as const;
  const configuration: Configuration = {
    adapter: deps.adapter,
    jwks: structuredClone({ keys: [...deps.keys().jwks.keys] }) as Configuration['jwks'],
    cookies: { keys: [...deps.keys().cookieKeys], long: cookie, short: cookie },
    clients: deps.staticClients,
    ...clientConfiguration(),
    // Resource scopes are listed too: RFC 8414 `scopes_supported` is built from this list, and
    // oidc-provider validates a client's registered `scope` (client credentials) against it.
    scopes: offeredScopes(deps.registry),
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    // Not a new parameter: the hook that gives a request naming no scope its resource's defaults.
    extraParams: { scope: assignDefaultScopes(deps.registry) },
    ...accountConfiguration(deps.accounts),
    loadExistingGrant: loadExistingGrant(deps.consentMemory),
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: createInteractionPolicy(),
    },
    ...tokenConfiguration(resourceIndicators, jwtLedger, deps.tokenLifetimes),
    features: featureConfiguration({
      resourceIndicators,
      introspectionAllowed,
      revocationAllowed,
      admitRegistration: deps.admitRegistration,
      cookieKeys: deps.keys().cookieKeys,
    }),
    clientBasedCORS: allowedClientOrigin,
    fetch: deps.metadataFetch as Configuration['fetch'],
    renderError: renderProviderError(deps.issuer.host),
  };

  const provider = new Provider(deps.issuer.url, configuration);
  provider.proxy = deps.trustProxy;
  patchClientBehaviour(provider);
  requireClientCredentialsPrivilege(provider, deps.privileges, deps.registry);
  answerMissingClientAuthenticationWith401(provider);
  refuseFramingOfProviderPages(provider);
  refuseInsecureSignIn(provider, deps.issuer, deps.trustProxy, deps.logger);
  answerCrossOriginRequests(provider);
  answerJwtAccessTokensAtIntrospectionAndRevocation(provider, {
    issuer: deps.issuer.url,
    signingKeys: () => deps.keys().jwks,
    ledger: jwtLedger,
    introspectionAllowed,
    revocationAllowed,
  });
  logProviderEvents(provider, deps.logger);
  return provider;
}
