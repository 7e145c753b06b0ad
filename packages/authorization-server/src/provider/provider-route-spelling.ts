/**
 * Whether a request path reaches the oidc-provider route at `routePath`, by the rules of its
 * router (oidc-provider `lib/helpers/router.js`): ASCII letters compare without case, and one
 * trailing slash is ignored. A non-ASCII path never reaches one of these all-ASCII routes (its
 * router keeps a non-ASCII character as it is). So `/REG` and `/reg/` are the registration
 * endpoint for everything applied here, exactly as they are for oidc-provider. A request-target
 * Koa cannot read a path from (`/\\!@#`: its `ctx.path` is null) reaches no route.
 */
export function reachesProviderRoute(path: string | null | undefined, routePath: string): boolean {
  if (typeof path !== 'string' || !isAscii(path)) return false;
  const wanted = routePath.toUpperCase();
  const folded = path.toUpperCase();
  if (folded === wanted) return true;
  return folded.length > 1 && folded.endsWith('/') && folded.slice(0, -1) === wanted;
}

/** Like `reachesProviderRoute`, for a route with one parameter segment after it (`/auth/:uid`). */
export function reachesProviderRouteWithParameter(
  path: string | null | undefined,
  routePath: string,
): boolean {
  if (typeof path !== 'string' || !isAscii(path)) return false;
  const prefix = `${routePath.toUpperCase()}/`;
  const folded = path.toUpperCase();
  if (!folded.startsWith(prefix)) return false;
  const rest = folded.slice(prefix.length);
  const segment = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  return segment.length > 0 && !segment.includes('/');
}

function isAscii(value: string): boolean {
  return !/[^\p{ASCII}]/u.test(value);
}
