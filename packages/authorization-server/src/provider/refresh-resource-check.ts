import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** The two resource-indicator hooks the refresh_token grant calls to pick and check a resource. */
export interface ResourceResolution {
  defaultResource(ctx: KoaContextWithOIDC): Promise<string>;
  getResourceServerInfo(ctx: KoaContextWithOIDC, resourceIndicator: string): Promise<unknown>;
}

interface PresentedRefreshToken {
  readonly resource?: string | string[] | undefined;
  readonly resourceIndicators: ReadonlySet<string | undefined>;
}

/**
 * `rotateRefreshToken` that first refuses a refresh request naming a resource the token cannot
 * be used for.
 *
 * oidc-provider 9's refresh_token grant (`actions/grants/refresh_token.js`) checks the client,
 * expiry and scope, then rotates (consumes) the refresh token, and only then resolves the
 * resource (`helpers/resolve_resource.js`), answering `invalid_target` for one that is unknown or
 * not in the grant. The token is spent by then, so the client's natural retry is a reuse, and
 * reuse revokes the whole grant (OAuth 2.1 §4.3.1). This hook is the grant's last call before
 * the consume and gets the request: it resolves the resource the same way, with the same
 * `defaultResource` and `getResourceServerInfo`, and throws `invalid_target` while the token is
 * still unspent (RFC 8707 §2: the AS refuses a resource it will not issue a token for).
 */
export function refreshTokenRotation(resourceIndicators: ResourceResolution) {
  return async (ctx: KoaContextWithOIDC): Promise<boolean> => {
    const refreshToken = ctx.oidc.entities.RefreshToken as PresentedRefreshToken | undefined;
    if (refreshToken) await assertResourceServable(ctx, refreshToken, resourceIndicators);
    // OAuth 2.1 §4.3.1: rotate on every use; a replayed old one revokes the grant (oidc-provider).
    return true;
  };
}

async function assertResourceServable(
  ctx: KoaContextWithOIDC,
  refreshToken: PresentedRefreshToken,
  resourceIndicators: ResourceResolution,
): Promise<void> {
  const requested = ctx.oidc.params?.resource as string | string[] | undefined;
  // `useGrantedResource` is always true here (resource-indicators.ts): no `resource` means the
  // granted one.
  let resource: string | string[] | undefined = requested || refreshToken.resource;
  if (Array.isArray(resource) && resource.length === 0 && !requested) resource = undefined;
  if (Array.isArray(resource)) resource = await resourceIndicators.defaultResource(ctx);
  if (resource === undefined) return;
  if (!refreshToken.resourceIndicators.has(resource)) {
    throw new errors.InvalidTarget(
      'this refresh token was not granted for that resource; sign in again to get access to it',
    );
  }
  // Granted, but possibly removed from the registry since: refused now, not after the consume.
  await resourceIndicators.getResourceServerInfo(ctx, resource);
}
