import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';
import { attemptSignIn } from './attempt-sign-in.ts';
import { finishInteraction } from './finish-interaction.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';
import { sendLoginPage } from './login-view.ts';

/**
 * `POST /interaction/:uid/login`: one sign-in attempt (attempt-sign-in.ts), then tells
 * oidc-provider who signed in. A refused attempt gets the page again, with the username kept and
 * why; so does the right password of an account the operator locked (`mcp-auth-as users lock`).
 */
export async function submitLogin(
  deps: InteractionDependencies,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  form: URLSearchParams,
): Promise<void> {
  if (details.prompt.name !== 'login') {
    throw new HttpError(400, 'invalid_request', 'you are already signed in');
  }
  const username = (form.get('username') ?? '').trim();
  const source = { address: deps.clientIp(req), username };
  const attempt = await attemptSignIn(deps, source, form.get('password') ?? '', 'authorization');
  if (attempt.outcome === 'refused') {
    const client = await deps.provider.Client.find(String(details.params.client_id));
    if (attempt.retryAfterSeconds) res.setHeader('retry-after', String(attempt.retryAfterSeconds));
    return sendLoginPage(deps, res, details, client, {
      status: attempt.status,
      username,
      error: attempt.error,
    });
  }
  await finishInteraction(deps.provider, req, res, { login: { accountId: attempt.account.id } });
}
