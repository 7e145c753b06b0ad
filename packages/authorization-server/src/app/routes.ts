import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { type AccountDependencies, accountRoutes } from '../account/account-routes.ts';
import { sendJson } from '../http/responses.ts';
import { type Route, routeTable } from '../http/route-table.ts';
import { type InteractionDependencies, interactionRoutes } from '../interactions/interaction-routes.ts';
import type { Issuer } from '../issuer.ts';
import { interactionStylesheet, STYLESHEET_PATH } from '../pages/index.ts';

export interface AppRoutesDependencies {
  readonly provider: Provider;
  readonly interactions: InteractionDependencies;
  /** The person's own page: connected apps, password, sign out everywhere. */
  readonly account: AccountDependencies;
  /** Its host is the only one every URL the AS builds may use, whatever the request says. */
  readonly issuer: Issuer;
  readonly logger: Logger;
  /** Names each request's route for the metrics, when they are on. */
  readonly nameRoute?: (req: IncomingMessage, name: string) => void;
}

/** RFC 8414 §3: the authorization server metadata, at the OAuth well-known path. */
const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';

/**
 * The AS's front door as one table. A few paths are ours (health, the pages' stylesheet, the
 * sign-in, consent and account pages, the RFC 8414 alias); everything else is oidc-provider's. Limits on
 * oidc-provider's routes (the DCR rate limit) are not applied here, where a path can be spelled
 * many ways, but where oidc-provider has resolved the route (clients/dynamic-client-registration.ts).
 */
export function appRequestHandler(deps: AppRoutesDependencies) {
  const toProvider = providerRoute(deps.provider, deps.issuer);
  const routes: Route[] = [
    {
      name: 'healthz',
      path: '/healthz',
      errors: 'json',
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    { name: 'stylesheet', path: STYLESHEET_PATH, errors: 'json', handle: (_req, res) => sendStylesheet(res) },
    ...interactionRoutes(deps.interactions),
    ...accountRoutes(deps.account),
    {
      name: 'discovery',
      path: OAUTH_METADATA_PATH,
      errors: 'json',
      handle: (req, res) => {
        // The same document as OIDC discovery: oidc-provider serves it there.
        req.url = `/.well-known/openid-configuration${req.url?.slice(OAUTH_METADATA_PATH.length) ?? ''}`;
        return toProvider(req, res);
      },
    },
  ];
  return routeTable(routes, toProvider, deps.logger, deps.nameRoute);
}

/**
 * oidc-provider's routes. It builds endpoint URLs from the request's Host (or X-Forwarded-Host
 * behind a trusted proxy); those are client-controlled, so they are pinned to the issuer and no
 * request can make the metadata or a redirect point elsewhere (RFC 8414 §3.3 spirit).
 */
function providerRoute(provider: Provider, issuer: Issuer) {
  const callback = provider.callback();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.headers.host = issuer.host;
    delete req.headers['x-forwarded-host'];
    await callback(req, res);
  };
}

function sendStylesheet(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/css; charset=utf-8');
  res.setHeader('cache-control', 'public, max-age=3600');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(interactionStylesheet);
}
