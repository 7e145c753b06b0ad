import type { Configuration } from 'oidc-provider';
import type { JwtAccessTokenLedger } from './jwt-access-token-ledger.ts';
import { type ResourceResolution, refreshTokenRotation } from './refresh-resource-check.ts';

const DAY = 24 * 3600;

/** The AS's browser sign-in session: its cookies are signed, so old cookie keys are kept this long. */
export const SESSION_TTL_SECONDS = 14 * DAY;

/** ID tokens (OpenID Connect, for clients asking for `openid`): signed, so kept in the key window. */
export const ID_TOKEN_TTL_SECONDS = 3600;

/** What the operator set (`--refresh-token-ttl`, `--code-ttl`); access tokens are per resource. */
export interface TokenLifetimes {
  readonly refreshTokenSeconds?: number | undefined;
  readonly codeSeconds: number;
}

/**
 * Which tokens are issued and how long each lives. Access tokens live as long as their
 * resource says (resource-indicators.ts; short by default: OAuth 2.1 §7.1).
 */
export function tokenConfiguration(
  resourceIndicators: ResourceResolution,
  jwtLedger: JwtAccessTokenLedger,
  lifetimes: TokenLifetimes = { codeSeconds: 60 },
): Pick<
  Configuration,
  'issueRefreshToken' | 'rotateRefreshToken' | 'expiresWithSession' | 'ttl' | 'formats'
> {
  return {
    // SEP-2207: a client that registered the refresh_token grant gets refresh tokens, whether or
    // not it also asked for `offline_access` (which stays accepted for OIDC-flavoured clients).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // OAuth 2.1 §4.3.1: rotate on every use, after refusing a resource the token cannot serve.
    rotateRefreshToken: refreshTokenRotation(resourceIndicators),
    // MCP clients are apps, not browser tabs: their tokens outlive the AS's browser session.
    expiresWithSession: async () => false,
    ttl: {
      AuthorizationCode: lifetimes.codeSeconds,
      Interaction: 15 * 60,
      Session: SESSION_TTL_SECONDS,
      // A grant outlives every refresh token it issues.
      Grant: Math.max(90 * DAY, lifetimes.refreshTokenSeconds ?? 0),
      RefreshToken: (_ctx, _token, client) =>
        lifetimes.refreshTokenSeconds ?? (client.clientAuthMethod === 'none' ? 30 * DAY : 90 * DAY),
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      IdToken: ID_TOKEN_TTL_SECONDS,
    },
    // Awaited before a JWT access token is signed: its jti goes into the ledger that makes it
    // revocable (jwt-access-token-ledger.ts).
    formats: {
      customizers: { jwt: (_ctx, token, jwt) => jwtLedger.recordIssued(token, Number(jwt.payload.exp)) },
    },
  };
}
