import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

const AUTHENTICATED_ROUTES = new Set(['token', 'introspection', 'revocation']);

/**
 * RFC 6749 §5.2: a request that includes no client authentication at all is `invalid_client`
 * with 401 (and a `WWW-Authenticate` challenge for the Basic scheme), like one with wrong
 * credentials. oidc-provider answers it with 400 `invalid_request`; this aligns the two, so an
 * unauthenticated introspection call (RFC 7662 §2.1) is refused the way the RFCs describe.
 */
export function answerMissingClientAuthenticationWith401(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    if (!AUTHENTICATED_ROUTES.has(ctx.oidc?.route ?? '') || ctx.status !== 400) return;
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    if (
      body?.error === 'invalid_request' &&
      body.error_description === 'no client authentication mechanism provided'
    ) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication is required' };
      ctx.set('www-authenticate', 'Basic realm="mcp-auth"');
    }
  });
}
