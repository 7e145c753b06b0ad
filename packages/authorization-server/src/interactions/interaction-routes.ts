import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { readFormBody } from '../http/form-body.ts';
import { HttpError } from '../http/http-error.ts';
import { sendHtml } from '../http/responses.ts';
import { setPageSecurityHeaders } from '../http/security-headers.ts';
import type { Issuer } from '../issuer.ts';
import { renderConsentPage, renderLoginPage } from '../pages/index.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { approveConsent } from './approve-consent.ts';
import { describeConsent, formTargetsFor } from './consent-view.ts';
import type { CsrfProtection } from './csrf.ts';
import type { ConsentMemory } from './remembered-consent.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

export interface InteractionDependencies {
  readonly provider: Provider;
  readonly accounts: AccountService;
  readonly registry: ResourceRegistry;
  readonly csrf: CsrfProtection;
  readonly consentMemory: ConsentMemory;
  readonly signInThrottle: SignInThrottle;
  readonly logger: Logger;
  /** Shown on the sign-in page, only on a loopback development issuer. */
  readonly demoAccountHint?: { username: string; password: string };
  readonly clientIp: (req: IncomingMessage) => string;
  /** Its host is shown in the page header, so people see which server asks for their password. */
  readonly issuer: Issuer;
}

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,128})(?:\/(login|confirm|abort))?$/;

/**
 * The pages oidc-provider sends people to (`interactions.url`): sign-in, consent, and their
 * form posts. Returns false for any other path.
 */
export async function handleInteraction(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  const match = ROUTE.exec(pathname);
  if (!match) return false;
  const [, uid = '', action] = match;
  const expectedMethod = action ? 'POST' : 'GET';
  if (req.method !== expectedMethod && !(expectedMethod === 'GET' && req.method === 'HEAD')) {
    throw new HttpError(405, 'invalid_request', `use ${expectedMethod} here`, { allow: expectedMethod });
  }
  const details = await loadInteraction(deps.provider, req, res, uid);
  if (!action) {
    await showPrompt(deps, res, details);
    return true;
  }
  const form = await readFormBody(req);
  if (!deps.csrf.isValid(req, uid, form.get('csrf'))) {
    throw new HttpError(403, 'invalid_request', 'this form has expired or did not come from this server');
  }
  if (action === 'login') await submitLogin(deps, req, res, details, form);
  else if (action === 'confirm') await submitConsent(deps, req, res, details);
  else
    await finish(deps.provider, req, res, {
      error: 'access_denied',
      error_description: 'the user denied the request',
    });
  return true;
}

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

async function loadInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string) {
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    throw new HttpError(
      400,
      'invalid_request',
      'this sign-in has expired or was already completed; start again from the app',
    );
  }
  if (details.uid !== uid) {
    throw new HttpError(
      400,
      'invalid_request',
      'this sign-in does not belong to this browser; start again from the app',
    );
  }
  return details;
}

async function showPrompt(deps: InteractionDependencies, res: ServerResponse, details: InteractionDetails) {
  const client = await deps.provider.Client.find(String(details.params.client_id));
  if (!client)
    throw new HttpError(400, 'invalid_request', 'the app that started this sign-in is not registered');
  const clientName = client.clientName ?? client.clientId;
  const base = `/interaction/${details.uid}`;
  const csrfToken = deps.csrf.tokenFor(details.uid);
  setPageSecurityHeaders(res, formTargetsFor(details));
  if (details.prompt.name === 'login') {
    sendHtml(
      res,
      200,
      renderLoginPage({
        formAction: `${base}/login`,
        abortAction: `${base}/abort`,
        csrfToken,
        clientName,
        ...(client.clientUri ? { clientUri: client.clientUri } : {}),
        issuerHost: deps.issuer.host,
        ...(deps.demoAccountHint ? { demoAccountHint: deps.demoAccountHint } : {}),
      }),
    );
    return;
  }
  const account = details.session?.accountId
    ? await deps.accounts.findById(details.session.accountId)
    : undefined;
  sendHtml(
    res,
    200,
    renderConsentPage({
      formAction: `${base}/confirm`,
      denyAction: `${base}/abort`,
      csrfToken,
      issuerHost: deps.issuer.host,
      accountName: account?.username ?? 'you',
      ...describeConsent(details, client, deps.registry),
    }),
  );
}

async function submitLogin(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  form: URLSearchParams,
) {
  if (details.prompt.name !== 'login')
    throw new HttpError(400, 'invalid_request', 'you are already signed in');
  const username = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  const source = { address: deps.clientIp(req), username };
  const admission = await deps.signInThrottle.admit(source);
  const client = await deps.provider.Client.find(String(details.params.client_id));
  const page = (status: number, error: string) => {
    setPageSecurityHeaders(res, formTargetsFor(details));
    sendHtml(
      res,
      status,
      renderLoginPage({
        formAction: `/interaction/${details.uid}/login`,
        abortAction: `/interaction/${details.uid}/abort`,
        csrfToken: deps.csrf.tokenFor(details.uid),
        clientName: client?.clientName ?? String(details.params.client_id),
        issuerHost: deps.issuer.host,
        username,
        error,
        ...(deps.demoAccountHint ? { demoAccountHint: deps.demoAccountHint } : {}),
      }),
    );
  };
  if (!admission.allowed) {
    const wait = admission.retryAfterSeconds;
    res.setHeader('retry-after', String(wait));
    deps.logger.warn('sign-in throttled', { ip: source.address, limit: admission.limit });
    page(429, `Too many sign-in attempts. Try again in ${wait} seconds.`);
    return;
  }
  const account = await deps.accounts.authenticate(username, password);
  if (!account) {
    await deps.signInThrottle.recordFailure(source);
    deps.logger.info('sign-in failed', { ip: source.address });
    page(401, 'The username or password is not right.');
    return;
  }
  deps.logger.info('signed in', { accountId: account.id, clientId: details.params.client_id });
  await finish(deps.provider, req, res, { login: { accountId: account.id } });
}

async function submitConsent(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
) {
  if (details.prompt.name !== 'consent') throw new HttpError(400, 'invalid_request', 'sign in first');
  const grantId = await approveConsent(deps.provider, deps.consentMemory, details);
  deps.logger.info('consent given', {
    accountId: details.session?.accountId,
    clientId: details.params.client_id,
  });
  await finish(deps.provider, req, res, { consent: { grantId } });
}

/** Hands the result back to oidc-provider, which answers with the redirect to resume the flow. */
async function finish(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  result: Record<string, unknown>,
) {
  const location = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
  res.statusCode = 303;
  res.setHeader('location', location);
  res.setHeader('cache-control', 'no-store');
  res.end();
}
