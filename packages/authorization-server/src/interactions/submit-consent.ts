import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';
import { approveConsent } from './approve-consent.ts';
import { finishInteraction } from './finish-interaction.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';

/** `POST /interaction/:uid/confirm`: the person allowed what the consent page showed. */
export async function submitConsent(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  if (details.prompt.name !== 'consent') throw new HttpError(400, 'invalid_request', 'sign in first');
  const grantId = await approveConsent(deps.provider, deps.consentMemory, details);
  const missing = details.prompt.details as { missingResourceScopes?: Record<string, string[]> };
  deps.audit.record({
    event: 'consent.given',
    accountId: details.session?.accountId ?? '',
    clientId: String(details.params.client_id),
    grantId,
    resources: missing.missingResourceScopes ?? {},
  });
  await finishInteraction(deps.provider, req, res, { consent: { grantId } });
}

/** `POST /interaction/:uid/abort`: the person cancelled or denied; the app gets access_denied. */
export async function abortInteraction(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  // Cancelling the sign-in page is no answer to a consent question: only a denial is recorded.
  if (details.prompt.name === 'consent') {
    deps.audit.record({
      event: 'consent.denied',
      ...(details.session?.accountId ? { accountId: details.session.accountId } : {}),
      clientId: String(details.params.client_id),
    });
  }
  await finishInteraction(deps.provider, req, res, {
    error: 'access_denied',
    error_description: 'the user denied the request',
  });
}
