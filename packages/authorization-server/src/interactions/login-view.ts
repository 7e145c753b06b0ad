import type { ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { sendHtml } from '../http/responses.ts';
import { setPageSecurityHeaders } from '../http/security-headers.ts';
import { clientNameToShow, renderLoginPage } from '../pages/index.ts';
import { formTargetsFor } from './consent-view.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';

type Client = Awaited<ReturnType<Provider['Client']['find']>>;

/** A sign-in attempt that was refused: shown again with what was typed and why. */
export interface RefusedSignIn {
  readonly status: number;
  readonly username: string;
  readonly error: string;
}

/**
 * The sign-in page of an interaction, built in this one place: first shown, and shown again
 * after a refused attempt. The app's name and website are self-declared (the page says so).
 */
export function sendLoginPage(
  deps: InteractionDependencies,
  res: ServerResponse,
  details: InteractionDetails,
  client: Client,
  refused?: RefusedSignIn,
): void {
  const base = `/interaction/${details.uid}`;
  setPageSecurityHeaders(res, formTargetsFor(details));
  sendHtml(
    res,
    refused?.status ?? 200,
    renderLoginPage({
      formAction: `${base}/login`,
      abortAction: `${base}/abort`,
      csrfToken: deps.csrf.tokenFor(details.uid),
      clientName: clientNameToShow(client?.clientName, client?.clientId ?? String(details.params.client_id)),
      ...(client?.clientUri ? { clientUri: client.clientUri } : {}),
      issuerHost: deps.issuer.host,
      ...(refused ? { username: refused.username, error: refused.error } : {}),
      ...(deps.demoAccountHint ? { demoAccountHint: deps.demoAccountHint } : {}),
    }),
  );
}
