import { createLocalJWKSet, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { SIGNING_ALGORITHMS } from '../keys/server-secrets.ts';
import type { IssuedJwtAccessToken, JwtAccessTokenLedger } from './jwt-access-token-ledger.ts';

/** oidc-provider's `allowedPolicy` functions, whatever their exact parameter types. */
type AllowedPolicy = (ctx: KoaContextWithOIDC, client: never, token: never) => unknown;

export interface JwtAccessTokenEndpointsOptions {
  readonly issuer: string;
  /** The AS's signing keys in force now (private JWKs); only their public parts are used. */
  readonly signingKeys: () => { readonly keys: readonly JWK[] };
  readonly ledger: JwtAccessTokenLedger;
  /** The same policies the introspection and revocation features use for opaque tokens. */
  readonly introspectionAllowed: AllowedPolicy;
  readonly revocationAllowed: AllowedPolicy;
}

const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) of the AS's own JWT access tokens.
 *
 * oidc-provider 9 refuses both for any JWT (`shared/reject_structured_tokens.js`, answered
 * `unsupported_token_type`), after it has authenticated the client. This middleware takes over
 * exactly those refusals, with the client oidc-provider authenticated, and answers from the
 * ledger: a JWT is active when its signature, issuer and expiry verify, its record is still in
 * the ledger and its grant still exists; the same allowed-policies decide who may see or revoke
 * it as for opaque tokens. Other JWTs (forged, expired, someone else's) are inactive, and
 * revoking them answers 200 and does nothing (RFC 7009 §2.2).
 */
export function answerJwtAccessTokensAtIntrospectionAndRevocation(
  provider: Provider,
  options: JwtAccessTokenEndpointsOptions,
): void {
  const refusedAsStructured = new WeakSet<object>();
  for (const event of ['introspection.error', 'revocation.error'] as const) {
    provider.on(event as 'server_error', (ctx: KoaContextWithOIDC, error: Error) => {
      if (error instanceof errors.UnsupportedTokenType) refusedAsStructured.add(ctx);
    });
  }
  const findLive = liveTokenFinder(provider, options);

  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    if (!refusedAsStructured.has(ctx)) return;
    const client = ctx.oidc.client;
    const presented = ctx.oidc.params?.token;
    if (!client || typeof presented !== 'string') return;
    try {
      const live = await findLive(presented);
      ctx.status = 200;
      if (ctx.oidc.route === 'introspection') {
        const allowed =
          live && (await options.introspectionAllowed(ctx, client as never, live.view as never));
        // RFC 7662 §2.2: the response members are the JWT's own claims (RFC 9068 §2.2 uses the
        // same names), which this AS signed. An object body makes koa answer JSON, replacing the
        // error page a caller preferring HTML was given.
        // RFC 9449 §6.2: a DPoP-bound token's `cnf.jkt` is among its claims; its type is DPoP.
        const tokenType = (live?.claims.cnf as { jkt?: unknown } | undefined)?.jkt ? 'DPoP' : 'Bearer';
        ctx.body = allowed ? { ...live.claims, active: true, token_type: tokenType } : { active: false };
        return;
      }
      ctx.body = '';
      if (live && (await options.revocationAllowed(ctx, client as never, live.view as never))) {
        await revoke(provider, options.ledger, live);
      }
    } catch (error) {
      // Outside oidc-provider's own error handling here: answer as it would, log as it does.
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'an unexpected error occurred' };
      provider.emit('server_error', ctx, error);
    }
  });
}

interface LiveJwtAccessToken {
  readonly jti: string;
  readonly claims: JWTPayload;
  readonly issued: IssuedJwtAccessToken;
  /** The token as the allowed-policies see an opaque one (fields of oidc-provider's AccessToken). */
  readonly view: Record<string, unknown>;
}

/**
 * A presented JWT is live when its signature, `typ`, issuer and expiry verify, its record is
 * still in the ledger, and its grant still exists (oidc-provider's introspection refuses an
 * opaque token whose grant is gone, too).
 */
function liveTokenFinder(provider: Provider, options: JwtAccessTokenEndpointsOptions) {
  const verify = jwtAccessTokenVerifier(options.issuer, options.signingKeys);
  return async (presented: string): Promise<LiveJwtAccessToken | undefined> => {
    const claims = await verify(presented);
    if (!claims?.jti) return undefined;
    const issued = await options.ledger.find(claims.jti);
    if (!issued) return undefined;
    if (issued.grantId) {
      const grant = await provider.Grant.find(issued.grantId);
      if (!grant || grant.clientId !== issued.clientId) return undefined;
    }
    const view = {
      kind: issued.kind,
      format: 'jwt',
      jti: claims.jti,
      clientId: issued.clientId,
      accountId: issued.accountId,
      grantId: issued.grantId,
      aud: claims.aud,
      scope: claims.scope,
      iat: claims.iat,
      exp: claims.exp,
    };
    return { jti: claims.jti, claims, issued, view };
  };
}

/**
 * RFC 7009 §2: the token is forgotten, so introspection answers it inactive from now on. As
 * oidc-provider does when an opaque access token is revoked (`helpers/revoke.js`), the grant's
 * other tokens go too; the grant itself stays.
 */
async function revoke(provider: Provider, ledger: JwtAccessTokenLedger, token: LiveJwtAccessToken) {
  await ledger.forget(token.jti);
  const { grantId } = token.issued;
  if (!grantId) return;
  await Promise.all([
    ledger.revokeByGrantId(grantId),
    provider.AccessToken.revokeByGrantId(grantId),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
  ]);
}

/**
 * Verifies a JWT access token this AS signed: signature, `typ: at+jwt`, `iss`, `exp`. With the
 * keys in force at each call: a token signed by a key being retired after a rotation still
 * verifies while that key is published, one signed by a key already gone does not.
 */
function jwtAccessTokenVerifier(issuer: string, signingKeys: () => { readonly keys: readonly JWK[] }) {
  let built: { source: object; keys: ReturnType<typeof createLocalJWKSet> } | undefined;
  const keysNow = () => {
    const source = signingKeys();
    if (built?.source !== source) {
      built = { source, keys: createLocalJWKSet({ keys: source.keys.map(publicPart) }) };
    }
    return built.keys;
  };
  return async (token: string): Promise<JWTPayload | undefined> => {
    try {
      const { payload } = await jwtVerify(token, keysNow(), {
        issuer,
        typ: 'at+jwt',
        algorithms: [...SIGNING_ALGORITHMS],
      });
      return payload;
    } catch {
      return undefined;
    }
  };
}

function publicPart(key: JWK): JWK {
  return Object.fromEntries(Object.entries(key).filter(([member]) => !PRIVATE_JWK_MEMBERS.has(member)));
}
