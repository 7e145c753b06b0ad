import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { providerErrorPage } from '../http/error-response.ts';
import type { Issuer } from '../issuer.ts';
import { reachesProviderRoute, reachesProviderRouteWithParameter } from './provider-route-spelling.ts';

/**
 * An https issuer's sign-in cookies are `Secure` (RFC 6265 §4.1.2.5), which may only be set on a
 * request that came over https: directly, or through a reverse proxy that says so with
 * `X-Forwarded-Proto: https` and is trusted (`--trust-proxy`). A sign-in that arrives as plain
 * http is answered 400 with what to change, instead of the 500 setting the cookie would give;
 * the log says it too, once. Program endpoints (token, introspection, metadata) set no cookie and
 * are not affected: a resource server may well reach the AS over an internal plain-http address.
 */
export function refuseInsecureSignIn(
  provider: Provider,
  issuer: Issuer,
  trustProxy: boolean,
  logger: Logger,
): void {
  if (!issuer.isHttps) return;
  const authorizationPath = provider.pathFor('authorization');
  const advice = trustProxy
    ? 'have the reverse proxy in front of it set X-Forwarded-Proto: https'
    : 'if it is behind a TLS-terminating reverse proxy, have the proxy set X-Forwarded-Proto: https and start the authorization server with --trust-proxy';
  const description = `This authorization server's address is ${issuer.url}, but this sign-in reached it over plain http. Open the sign-in at ${issuer.url}; whoever runs the server: ${advice}.`;
  let logged = false;
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    const signIn =
      reachesProviderRoute(ctx.path, authorizationPath) ||
      reachesProviderRouteWithParameter(ctx.path, authorizationPath);
    if (ctx.secure || !signIn) return next();
    if (!logged) {
      logged = true;
      logger.warn(`a sign-in reached the https issuer over plain http and was refused: ${advice}`, {
        issuer: issuer.url,
        trustProxy,
      });
    }
    ctx.status = 400;
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = providerErrorPage(
      ctx.res,
      { error: 'invalid_request', error_description: description },
      issuer.host,
    );
  });
}
