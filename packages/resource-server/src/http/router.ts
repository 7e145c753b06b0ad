import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeRequestTarget, requestTargetUrl } from '@mcp-auth/shared';
import { methodNotAllowed, ResourceServerError } from '../errors.ts';
import { answerPreflight, setCorsHeaders, setPublicCorsHeaders } from './cors.ts';
import type { RequestGuards } from './request-guards.ts';

/**
 * Who may read a route's answers from a browser:
 * - `any-origin`: public documents (RFC 9728 metadata is not secret), `*`;
 * - `allowed-origins`: the MCP endpoints, behind the DNS-rebinding check of the Origin header;
 * - `none`: no CORS at all (a health check for load balancers).
 */
export type CorsPolicy = 'any-origin' | 'allowed-origins' | 'none';

export interface Route {
  /** What the metrics call it (`route` label): never the path a client sent. */
  readonly name: string;
  /** The request paths it answers, compared exactly. */
  readonly paths: readonly string[];
  /** The methods it takes, in the order `Allow` lists them; `any` takes every method. */
  readonly methods: readonly string[] | 'any';
  readonly cors: CorsPolicy;
  handle(req: IncomingMessage, res: ServerResponse, requestUrl: URL): Promise<void> | void;
}

/**
 * A request handler over a table of routes. Every request passes the Host check first (DNS
 * rebinding, MCP Streamable HTTP "Security Warning"); a route's CORS policy then decides the
 * Origin check and answers preflights (before its methods, as CORS requires); a path no route
 * has is 404 and a method its route lacks 405 with `Allow`. Refusals are thrown.
 */
export function createRouter(
  routes: readonly Route[],
  guards: RequestGuards,
  nameRoute?: (req: IncomingMessage, name: string) => void,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const byPath = new Map<string, Route>();
  for (const route of routes) for (const path of route.paths) byPath.set(path, route);

  return async (req, res) => {
    if (!normalizeRequestTarget(req)) throw invalidRequestTarget();
    const requestUrl = requestTargetUrl(req);
    if (!requestUrl) throw invalidRequestTarget();
    if (!guards.hostAllowed(req)) throw new ResourceServerError(403, 'forbidden', 'unknown Host header');
    const route = byPath.get(requestUrl.pathname);
    if (route && nameRoute) nameRoute(req, route.name);
    if (route?.cors === 'any-origin') {
      setPublicCorsHeaders(res);
      if (req.method === 'OPTIONS') return answerPreflight(res, '*');
    } else if (route?.cors !== 'none') {
      const origin = guards.originDecision(req);
      // DNS rebinding protection: a foreign browser origin is refused before anything else.
      if (!origin.allowed) throw new ResourceServerError(403, 'forbidden', 'origin not allowed');
      setCorsHeaders(res, origin.origin);
      // A path no route has gets its 404 below, preflight or not: CORS is a route's, not the server's.
      if (route && req.method === 'OPTIONS') return answerPreflight(res, origin.origin);
    }
    if (!route) throw new ResourceServerError(404, 'not_found', undefined);
    if (route.methods !== 'any' && !route.methods.includes(req.method ?? '')) {
      throw methodNotAllowed(route.methods);
    }
    return route.handle(req, res, requestUrl);
  };
}

/** RFC 9112 §3.2: a request-target that is not a path (or an absolute URL) cannot be routed. */
function invalidRequestTarget(): ResourceServerError {
  return new ResourceServerError(
    400,
    'invalid_request',
    'the request target must be an absolute path such as /mcp (RFC 9112 §3.2)',
  );
}
