import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from './audit-log.ts';

/**
 * The security events oidc-provider reports, recorded in the audit log:
 * - a code or refresh token presented again after it was used (OAuth 2.1 §4.1.3 code replay,
 *   §4.3.1 refresh token reuse). oidc-provider revokes the grant and answers `invalid_grant`
 *   with these details; so does our adapter when two requests race (provider/oidc-adapter.ts);
 * - an RFC 7591 registration.
 */
export function auditProviderEvents(
  provider: Provider,
  audit: AuditLog,
  clientIp: (req: IncomingMessage) => string,
): void {
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: Error & { error_detail?: string }) => {
    const replay = replayEventOf(error.error_detail);
    if (!replay) return;
    const grantId = (ctx.oidc?.entities as { RefreshToken?: { grantId?: string } } | undefined)?.RefreshToken
      ?.grantId;
    audit.record({
      event: replay,
      ...(ctx.oidc?.client?.clientId ? { clientId: ctx.oidc.client.clientId } : {}),
      ...(grantId ? { grantId } : {}),
      address: clientIp(ctx.req),
    });
  });
  provider.on('registration_create.success', (ctx: KoaContextWithOIDC, client: { clientId: string }) => {
    audit.record({
      event: 'client.registered',
      clientId: client.clientId,
      how: 'dynamic',
      address: clientIp(ctx.req),
    });
  });
}

/** oidc-provider's `error_detail` of a replay (helpers/grant_source.js, grants/refresh_token.js). */
function replayEventOf(detail: string | undefined) {
  if (detail === 'refresh token already used' || detail === 'RefreshToken already consumed') {
    return 'refresh_token.reuse_detected' as const;
  }
  if (detail === 'authorization code already consumed' || detail === 'AuthorizationCode already consumed') {
    return 'code.replay_detected' as const;
  }
  return undefined;
}
