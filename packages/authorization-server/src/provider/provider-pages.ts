import type Provider from 'oidc-provider';
import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { providerErrorPage } from '../http/error-response.ts';

/**
 * oidc-provider's routes a browser navigates to: only their errors may be pages. Every other
 * route is called by a program (token, introspection, revocation, registration, pushed
 * authorization requests, discovery, JWKS), whose errors are JSON whatever `Accept` says
 * (RFC 6749 §5.2, RFC 7662 §2.3, RFC 7009 §2.2.1, RFC 7591 §3.2.2).
 */
const BROWSER_ROUTES: ReadonlySet<string> = new Set(['authorization', 'resume']);

/**
 * oidc-provider's `renderError`, called when the client prefers HTML: a page for the browser
 * routes, the standard JSON error body for everything else.
 */
export function renderProviderError(issuerHost: string) {
  return async (ctx: KoaContextWithOIDC, out: ErrorOut): Promise<void> => {
    if (!BROWSER_ROUTES.has(ctx.oidc?.route ?? '')) {
      ctx.type = 'json';
      ctx.body = out;
      return;
    }
    ctx.type = 'html';
    ctx.body = providerErrorPage(ctx.res, out, issuerHost);
  };
}

/**
 * Pages oidc-provider writes itself (the `form_post` response mode's self-submitting form, its
 * error pages) must not be framed either (RFC 9700 §4.16, clickjacking): any HTML answer that
 * left without a framing policy gets one. Our own pages set theirs (http/security-headers.ts).
 */
export function refuseFramingOfProviderPages(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (!ctx.response.is('html') || ctx.response.get('x-frame-options')) return;
    ctx.set('x-frame-options', 'DENY');
    if (!ctx.response.get('content-security-policy')) {
      ctx.set('content-security-policy', "frame-ancestors 'none'");
    }
  });
}
