import type { Logger } from '@mcp-auth/shared';
import Provider, { type Adapter, type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import type { ClientPrivilegeRecords } from '../clients/client-privileges.ts';
import { CLIENT_AUTH_METHODS } from '../clients/preregistered-metadata.ts';
import { providerErrorPage } from '../http/error-response.ts';
import { type ConsentMemory, loadExistingGrant } from '../interactions/remembered-consent.ts';
import type { Issuer } from '../issuer.ts';
import type { ServerSecrets } from '../keys/server-secrets.ts';
import { offeredScopes, type ResourceRegistry } from '../resources/resource-registry.ts';
import type { AccountRecord } from '../storage/storage-backend.ts';
import { answerMissingClientAuthenticationWith401 } from './client-authentication-errors.ts';
import { requireClientCredentialsPrivilege } from './client-credentials-guard.ts';
import { patchClientBehaviour } from './client-patches.ts';
import {
  clientIdMetadataDocumentPolicy,
  INVENTED_CLIENT_METADATA,
  validateClientMetadata,
} from './client-policy.ts';
import { createInteractionPolicy } from './interaction-policy.ts';
import { introspectionAllowedPolicy, revocationAllowedPolicy } from './introspection-policy.ts';
import { answerJwtAccessTokensAtIntrospectionAndRevocation } from './jwt-access-token-endpoints.ts';
import { JWT_ACCESS_TOKEN_LEDGER_MODEL, JwtAccessTokenLedger } from './jwt-access-token-ledger.ts';
import { refreshTokenRotation } from './refresh-resource-check.ts';
import { resourceIndicatorsFeature } from './resource-indicators.ts';

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;
type AdapterFactory = (name: string) => Adapter;

export interface ProviderDependencies {
  readonly issuer: Issuer;
  readonly registry: ResourceRegistry;
  readonly secrets: ServerSecrets;
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
}

const SIGNING_ALG = 'ES256' as const;
const DAY = 24 * 3600;

/** Builds the oidc-provider instance: all OAuth endpoints are its; the policy is ours. */
export function createProvider(deps: ProviderDependencies): Provider {
  const secureCookies = deps.issuer.isHttps;
  const accountOf = accountReadOncePerRequest(deps.accounts);
  const resourceIndicators = resourceIndicatorsFeature(deps.registry, SIGNING_ALG);
  const introspectionAllowed = introspectionAllowedPolicy(deps.privileges, deps.registry);
  const revocationAllowed = revocationAllowedPolicy();
  const jwtLedger = new JwtAccessTokenLedger(deps.adapter(JWT_ACCESS_TOKEN_LEDGER_MODEL));
  const configuration: Configuration = {
    adapter: deps.adapter,
    jwks: deps.secrets.signingKeys as Configuration['jwks'],
    cookies: {
      keys: deps.secrets.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', secure: secureCookies },
      short: { httpOnly: true, sameSite: 'lax', secure: secureCookies },
    },
    clients: deps.staticClients ?? [],
    // OAuth 2.1 §2.4: no client_secret_jwt, which needs the secret in clear (ours are hashed).
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: SIGNING_ALG,
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'EdDSA'],
      clientAuthSigningAlgValues: ['ES256', 'EdDSA', 'PS256', 'RS256'],
    },
    responseTypes: ['code'],
    // OAuth 2.1 §4.1.1 and SPEC AS.1: PKCE always, S256 only (oidc-provider supports no other).
    pkce: { required: () => true },
    // Resource scopes are listed too: RFC 8414 `scopes_supported` is built from this list, and
    // oidc-provider validates a client's registered `scope` (client credentials) against it.
    scopes: offeredScopes(deps.registry),
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    findAccount: async (ctx, sub) => {
      const account = await accountOf(ctx, sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: async () => ({ sub: account.id, preferred_username: account.username }),
      };
    },
    loadExistingGrant: loadExistingGrant(deps.consentMemory),
    // RFC 7662 §2.2 `username`: a human-readable name of the resource owner, in introspection
    // answers and JWT access tokens, so a resource server can say who is calling.
    extraTokenClaims: async (ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      const account = accountId ? await accountOf(ctx, accountId) : undefined;
      return account ? { username: account.username } : undefined;
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: createInteractionPolicy(),
    },
    // SEP-2207: a client that registered the refresh_token grant gets refresh tokens, whether or
    // not it also asked for `offline_access` (which stays accepted for OIDC-flavoured clients).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // OAuth 2.1 §4.3.1: rotate on every use, after refusing a resource the token cannot serve.
    rotateRefreshToken: refreshTokenRotation(resourceIndicators),
    // MCP clients are apps, not browser tabs: their tokens outlive the AS's browser session.
    expiresWithSession: async () => false,
    ttl: {
      AuthorizationCode: 60,
      Interaction: 15 * 60,
      Session: 14 * DAY,
      Grant: 90 * DAY,
      RefreshToken: (_ctx, _token, client) => (client.clientAuthMethod === 'none' ? 30 * DAY : 90 * DAY),
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      IdToken: 3600,
    },
    // Awaited before a JWT access token is signed: its jti goes into the ledger that makes it
    // revocable (jwt-access-token-ledger.ts).
    formats: {
      customizers: { jwt: (_ctx, token, jwt) => jwtLedger.recordIssued(token, Number(jwt.payload.exp)) },
    },
    extraClientMetadata: {
      properties: [...INVENTED_CLIENT_METADATA],
      validator: validateClientMetadata as never,
    },
    features: {
      devInteractions: { enabled: false },
      registration: {
        enabled: true,
        initialAccessToken: false,
        // Never issued (RFC 7592 management stays off); the hook admits the registration.
        issueRegistrationAccessToken: deps.admitRegistration ?? false,
      },
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        cacheDuration: { min: 60, max: DAY },
        allowClient: clientIdMetadataDocumentPolicy,
      },
      resourceIndicators,
      introspection: {
        enabled: true,
        allowedPolicy: introspectionAllowed,
      },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      clientCredentials: { enabled: true },
      userinfo: { enabled: false },
    },
    fetch: deps.metadataFetch as Configuration['fetch'],
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = providerErrorPage(ctx.res, out, deps.issuer.host);
    },
  };

  const provider = new Provider(deps.issuer.url, configuration);
  provider.proxy = deps.trustProxy;
  patchClientBehaviour(provider);
  requireClientCredentialsPrivilege(provider, deps.privileges, deps.registry);
  answerMissingClientAuthenticationWith401(provider);
  answerJwtAccessTokensAtIntrospectionAndRevocation(provider, {
    issuer: deps.issuer.url,
    signingKeys: deps.secrets.signingKeys,
    ledger: jwtLedger,
    introspectionAllowed,
    revocationAllowed,
  });
  logProviderErrors(provider, deps.logger);
  return provider;
}

/**
 * The token endpoint's code and refresh_token grants need the account twice in one request: to
 * check that it still exists (`findAccount`, oidc-provider `helpers/grant_common.js`) and to name
 * it in the new access token (`extraTokenClaims`, `models/formats/opaque.js`). Both get the same
 * koa context, so the first read serves the second. Nothing outlives the request: the reads are
 * keyed by its context and go with it.
 */
function accountReadOncePerRequest(accounts: AccountService) {
  const readsByRequest = new WeakMap<object, Map<string, Promise<AccountRecord | undefined>>>();
  return (ctx: object | undefined, id: string): Promise<AccountRecord | undefined> => {
    if (!ctx) return accounts.findById(id);
    let reads = readsByRequest.get(ctx);
    if (!reads) {
      reads = new Map();
      readsByRequest.set(ctx, reads);
    }
    let read = reads.get(id);
    if (!read) {
      read = accounts.findById(id);
      reads.set(id, read);
    }
    return read;
  };
}

/** Unexpected errors are `server_error` for the client; their details go to the log only. */
function logProviderErrors(provider: Provider, logger: Logger): void {
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    logger.error('oidc-provider server error', { route: ctx.oidc?.route, error });
  });
  for (const event of [
    'grant.error',
    'registration_create.error',
    'introspection.error',
    'revocation.error',
  ] as const) {
    provider.on(event as 'server_error', (ctx: KoaContextWithOIDC, error: Error & { error?: string }) => {
      // A JWT access token: answered by jwt-access-token-endpoints.ts, not an error.
      if (error instanceof errors.UnsupportedTokenType) return;
      logger.info(event, {
        route: ctx.oidc?.route,
        clientId: ctx.oidc?.client?.clientId,
        reason: error.error,
      });
    });
  }
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) => {
    logger.warn('grant revoked', { grantId });
  });
}
