import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * What oidc-provider reports goes to the log: unexpected errors (the client got `server_error`
 * and nothing more), refusals a person may ask about, revoked grants.
 */
export function logProviderEvents(provider: Provider, logger: Logger): void {
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
