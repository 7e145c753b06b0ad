import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import { handleInteraction, type InteractionDependencies } from '../interactions/interaction-routes.ts';
import type { Issuer } from '../issuer.ts';
import { interactionStylesheet, STYLESHEET_PATH } from '../pages/index.ts';
import { errorAnswer, sendErrorJson, sendErrorPage } from './error-response.ts';
import { sendJson } from './responses.ts';

export interface RequestHandlerDependencies {
  readonly provider: Provider;
  readonly interactions: InteractionDependencies;
  readonly logger: Logger;
  /** Its host is the only one every URL the AS builds may use, whatever the request says. */
  readonly issuer: Issuer;
}

/**
 * The AS's front door. A few paths are ours (health, pages, stylesheet, RFC 8414 metadata
 * alias); everything else is oidc-provider's. Limits on oidc-provider's routes (the DCR rate
 * limit) are not applied here, where a path can be spelled many ways, but where oidc-provider has
 * resolved the route (clients/dynamic-client-registration.ts).
 */
export function createRequestHandler(deps: RequestHandlerDependencies) {
  const providerCallback = deps.provider.callback();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = pathOf(req);
    try {
      if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (pathname === STYLESHEET_PATH) return sendStylesheet(res);
      if (pathname.startsWith('/interaction/')) {
        if (await handleInteraction(deps.interactions, req, res, pathname)) return;
      }
      if (pathname === '/.well-known/oauth-authorization-server') {
        // RFC 8414 §3: the same document as OIDC discovery, at the OAuth well-known path.
        req.url = `/.well-known/openid-configuration${req.url?.slice(pathname.length) ?? ''}`;
      }
      // oidc-provider builds endpoint URLs from the request's Host (or X-Forwarded-Host behind a
      // trusted proxy). Those are client-controlled: pin them to the configured issuer, so no
      // request can make the metadata or a redirect point elsewhere (RFC 8414 §3.3 spirit).
      req.headers.host = deps.issuer.host;
      delete req.headers['x-forwarded-host'];
      await providerCallback(req, res);
    } catch (error) {
      respondWithError(deps.logger, req, res, pathname, error);
    }
  };
}

function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function respondWithError(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  error: unknown,
) {
  if (res.headersSent) {
    logger.error('error after the response started', { path: pathname, error });
    res.destroy();
    return;
  }
  const answer = errorAnswer(error);
  if (answer.unexpected) logger.error('unexpected error', { method: req.method, path: pathname, error });
  if (pathname.startsWith('/interaction/')) sendErrorPage(res, answer);
  else sendErrorJson(res, answer);
}

function sendStylesheet(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/css; charset=utf-8');
  res.setHeader('cache-control', 'public, max-age=3600');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(interactionStylesheet);
}
