import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';
import { finishInteraction } from './finish-interaction.ts';
import type { InteractionDependencies, InteractionDetails } from './interaction-dependencies.ts';
import { sendLoginPage } from './login-view.ts';

/**
 * `POST /interaction/:uid/login`: checks the password of one attempt the throttle admits
 * (sign-in-throttle.ts: only failures count, no lockout), then tells oidc-provider who signed in.
 * A refused attempt gets the page again, with the username kept; so does the right password of
 * an account the operator locked (`mcp-auth-as users lock`), saying so.
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
  const password = form.get('password') ?? '';
  const source = { address: deps.clientIp(req), username };
  const admission = await deps.signInThrottle.admit(source);
  const client = await deps.provider.Client.find(String(details.params.client_id));
  if (!admission.allowed) {
    const wait = admission.retryAfterSeconds;
    res.setHeader('retry-after', String(wait));
    deps.logger.warn('sign-in throttled', { ip: source.address, limit: admission.limit });
    deps.countSignIn?.('throttled');
    const error = `Too many sign-in attempts. Try again in ${wait} seconds.`;
    return sendLoginPage(deps, res, details, client, { status: 429, username, error });
  }
  const attempt = await deps.accounts.signIn(username, password);
  if (attempt.outcome === 'refused') {
    await deps.signInThrottle.recordFailure(source);
    deps.logger.info('sign-in failed', { ip: source.address });
    deps.countSignIn?.('failure');
    const error = 'The username or password is not right.';
    return sendLoginPage(deps, res, details, client, { status: 401, username, error });
  }
  if (attempt.outcome === 'locked') {
    // Only said to someone who typed the right password (account-service.ts `signIn`).
    deps.logger.info('sign-in refused: account locked', { ip: source.address });
    deps.countSignIn?.('locked');
    const error = 'This account is locked. Contact the administrator of this server to have it unlocked.';
    return sendLoginPage(deps, res, details, client, { status: 403, username, error });
  }
  const { account } = attempt;
  deps.logger.info('signed in', { accountId: account.id, clientId: details.params.client_id });
  deps.countSignIn?.('success');
  await finishInteraction(deps.provider, req, res, { login: { accountId: account.id } });
}
