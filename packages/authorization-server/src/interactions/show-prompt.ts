import type { ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';
import { sendHtml } from '../http/responses.ts';
import { setPageSecurityHeaders } from '../http/security-headers.ts';
import { renderConsentPage } from '../pages/index.ts';
import { describeConsent, formTargetsFor } from './consent-view.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';
import { sendLoginPage } from './login-view.ts';

/** `GET /interaction/:uid`: the page of the prompt oidc-provider is at, sign-in or consent. */
export async function showPrompt(
  deps: InteractionDependencies,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  const client = await deps.provider.Client.find(String(details.params.client_id));
  if (!client) {
    throw new HttpError(400, 'invalid_request', 'the app that started this sign-in is not registered');
  }
  if (details.prompt.name === 'login') return sendLoginPage(deps, res, details, client);
  const account = details.session?.accountId
    ? await deps.accounts.findById(details.session.accountId)
    : undefined;
  const base = `/interaction/${details.uid}`;
  setPageSecurityHeaders(res, formTargetsFor(details));
  sendHtml(
    res,
    200,
    renderConsentPage({
      formAction: `${base}/confirm`,
      denyAction: `${base}/abort`,
      csrfToken: deps.csrf.tokenFor(details.uid),
      issuerHost: deps.issuer.host,
      accountName: account?.username ?? 'you',
      ...describeConsent(details, client, deps.registry),
    }),
  );
}
