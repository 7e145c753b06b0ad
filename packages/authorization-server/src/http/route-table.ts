import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, normalizeRequestTarget, refuseRequestTarget } from '@mcp-auth/shared';
import { errorAnswer, sendErrorJson, sendErrorPage } from './error-response.ts';
import { HttpError } from './http-error.ts';

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: readonly string[],
) => Promise<void> | void;

/** One row of a route table. */
export interface Route {
  /** What the metrics call it (`route` label); the path when it is a string and this is left out. */
  readonly name?: string;
  /** The path exactly, or a pattern of it whose groups are handed to `handle`. */
  readonly path: string | RegExp;
  /** The methods answered; any other gets 405. Every method when left out. */
  readonly methods?: readonly string[];
  /** How a failure is shown: a page for a person in a browser, JSON for a program. */
  readonly errors: 'page' | 'json';
  readonly handle: RouteHandler;
}

/**
 * A request handler that serves the first row of `routes` whose path matches, and hands any
 * other request to `fallback`. A thrown error is answered once, here (error-response.ts), as the
 * row says; an unexpected one is logged with the method and path, never answered with details.
 */
export function routeTable(
  routes: readonly Route[],
  fallback: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  logger: Logger,
  nameRoute?: (req: IncomingMessage, name: string) => void,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Origin-form only from here on: an absolute-form target's authority becomes the Host, which
    // oidc-provider's routes then see pinned to the issuer (RFC 9112 §3.2.2, §7.2).
    if (!normalizeRequestTarget(req)) return refuseRequestTarget(res);
    const pathname = pathOf(req);
    const match = matchRoute(routes, pathname);
    if (match && nameRoute) nameRoute(req, routeName(match.route));
    try {
      if (!match) return await fallback(req, res);
      assertMethodAllowed(match.route, req.method);
      await match.route.handle(req, res, match.params);
    } catch (error) {
      if (res.headersSent) {
        logger.error('error after the response started', { path: pathname, error });
        res.destroy();
        return;
      }
      const answer = errorAnswer(error);
      if (answer.unexpected) logger.error('unexpected error', { method: req.method, path: pathname, error });
      if (match?.route.errors === 'page') sendErrorPage(res, answer);
      else sendErrorJson(res, answer);
    }
  };
}

function routeName(route: Route): string {
  return route.name ?? (typeof route.path === 'string' ? route.path : 'unnamed');
}

/** The request target's path, without query or fragment, as sent (not normalised). */
function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function matchRoute(
  routes: readonly Route[],
  pathname: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (typeof route.path === 'string') {
      if (route.path === pathname) return { route, params: [] };
      continue;
    }
    const match = route.path.exec(pathname);
    if (match) return { route, params: match.slice(1).map((group) => group ?? '') };
  }
  return undefined;
}

/** RFC 9110 §15.5.6: 405 names the methods allowed; a GET route answers HEAD too (§9.3.2). */
function assertMethodAllowed(route: Route, method: string | undefined): void {
  const allowed = route.methods;
  if (!allowed || allowed.includes(method ?? '')) return;
  if (method === 'HEAD' && allowed.includes('GET')) return;
  const list = allowed.join(', ');
  throw new HttpError(405, 'invalid_request', `use ${allowed.join(' or ')} here`, { allow: list });
}
