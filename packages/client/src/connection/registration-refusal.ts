import type { RegistrationRejectedError } from '@modelcontextprotocol/client';
import { sanitizeForTerminal } from '../oauth/authorization-error.ts';
import { AuthFailure } from './errors.ts';

/**
 * MCP 2026-07-28 Client Registration §Dynamic Client Registration: clients MUST handle a refused
 * registration and SHOULD surface a meaningful error. The AS's RFC 7591 §3.2.2 answer (`error`,
 * `error_description`, both from the network and so sanitised) is shown with what to do next.
 */
export function registrationRefusal(
  rejected: RegistrationRejectedError,
  issuer: string | undefined,
): AuthFailure {
  let answer: { error?: unknown; error_description?: unknown } = {};
  try {
    answer = JSON.parse(rejected.body) as typeof answer;
  } catch {
    // Not the JSON RFC 7591 §3.2.2 asks for: the status alone is reported.
  }
  const code = typeof answer.error === 'string' ? ` ${sanitizeForTerminal(answer.error, 60)}` : '';
  const description =
    typeof answer.error_description === 'string' ? `: ${sanitizeForTerminal(answer.error_description)}` : '';
  return new AuthFailure(
    `the authorization server ${issuer ?? ''} refused to register this client (HTTP ${rejected.status}${code}${description}); ` +
      'it registers as a native app with a loopback redirect URI: ask the operator to allow that, ' +
      'or pass the id of a client registered there with --client-id',
    { cause: rejected },
  );
}
