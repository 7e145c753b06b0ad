import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFormBody } from '../http/form-body.ts';
import { HttpError } from '../http/http-error.ts';
import type { Route } from '../http/route-table.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';
import { loadInteraction } from './load-interaction.ts';
import { showPrompt } from './show-prompt.ts';
import { abortInteraction, submitConsent } from './submit-consent.ts';
import { submitLogin } from './submit-login.ts';

export type { InteractionDependencies } from './interaction-dependencies.ts';

/** An interaction id as oidc-provider makes them; anything else is no interaction route. */
const UID = '([A-Za-z0-9_-]{1,128})';

type FormAction = (
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  form: URLSearchParams,
) => Promise<void>;

/**
 * The pages oidc-provider sends people to (`interactions.url`) and their form posts, as rows of
 * the app's route table. Every row loads the browser's interaction first; every post carries a
 * CSRF token (csrf.ts) checked before anything else is done with it.
 */
export function interactionRoutes(deps: InteractionDependencies): Route[] {
  const page = (action: string, method: string, handle: Route['handle']): Route => ({
    name: action ? `interaction_${action}` : 'interaction',
    path: new RegExp(`^/interaction/${UID}${action ? `/${action}` : ''}$`),
    methods: [method],
    errors: 'page',
    handle,
  });
  const post = (action: string, run: FormAction): Route =>
    page(action, 'POST', async (req, res, [uid = '']) => {
      const details = await loadInteraction(deps.provider, req, res, uid);
      const form = await readFormBody(req);
      if (!deps.csrf.isValid(req, uid, form.get('csrf'))) {
        throw new HttpError(403, 'invalid_request', 'this form has expired or did not come from this server');
      }
      await run(deps, req, res, details, form);
    });
  return [
    page('', 'GET', async (req, res, [uid = '']) =>
      showPrompt(deps, res, await loadInteraction(deps.provider, req, res, uid)),
    ),
    post('login', submitLogin),
    post('confirm', (routeDeps, req, res, details) => submitConsent(routeDeps, req, res, details)),
    post('abort', (routeDeps, req, res, details) => abortInteraction(routeDeps, req, res, details)),
  ];
}
