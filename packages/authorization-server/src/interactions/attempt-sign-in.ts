import type { Logger } from '@mcp-auth/shared';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditLog, SignInPlace } from '../audit/audit-log.ts';
import type { AccountRecord } from '../storage/storage-backend.ts';
import type { SignInMetricOutcome } from './interaction-dependencies.ts';
import type { SignInAttemptSource, SignInThrottle } from './sign-in-throttle.ts';

/** What checking a password needs: the same for an app's sign-in and for /account. */
export interface SignInAttemptDependencies {
  readonly accounts: AccountService;
  readonly signInThrottle: SignInThrottle;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly countSignIn?: (outcome: SignInMetricOutcome) => void;
}

export type SignInAttempt =
  | { readonly outcome: 'signed-in'; readonly account: AccountRecord }
  | {
      readonly outcome: 'refused';
      readonly status: 401 | 403 | 429;
      /** For the person, on the page shown again. */
      readonly error: string;
      readonly retryAfterSeconds?: number;
    };

/**
 * One sign-in attempt, wherever it is made: checks the password of an attempt the throttle admits
 * (sign-in-throttle.ts: only failures count, no lockout) and records the outcome in the log, the
 * audit log (never the password) and the metrics. A locked account is said to be locked only to
 * someone who typed its password (account-service.ts `signIn`).
 */
export async function attemptSignIn(
  deps: SignInAttemptDependencies,
  source: SignInAttemptSource,
  password: string,
  via: SignInPlace,
): Promise<SignInAttempt> {
  const { address, username } = source;
  const admission = await deps.signInThrottle.admit(source);
  if (!admission.allowed) {
    const wait = admission.retryAfterSeconds;
    deps.logger.warn('sign-in throttled', { ip: address, limit: admission.limit });
    deps.countSignIn?.('throttled');
    deps.audit.record({ event: 'rate_limit.hit', limit: 'sign_in', address });
    return {
      outcome: 'refused',
      status: 429,
      error: `Too many sign-in attempts. Try again in ${wait} seconds.`,
      retryAfterSeconds: wait,
    };
  }
  const attempt = await deps.accounts.signIn(username, password);
  if (attempt.outcome === 'refused') {
    await deps.signInThrottle.recordFailure(source);
    deps.logger.info('sign-in failed', { ip: address });
    deps.countSignIn?.('failure');
    deps.audit.record({ event: 'sign_in.failed', username, address, via, reason: 'wrong_credentials' });
    return { outcome: 'refused', status: 401, error: 'The username or password is not right.' };
  }
  if (attempt.outcome === 'locked') {
    deps.logger.info('sign-in refused: account locked', { ip: address });
    deps.countSignIn?.('locked');
    deps.audit.record({ event: 'sign_in.failed', username, address, via, reason: 'locked' });
    return {
      outcome: 'refused',
      status: 403,
      error: 'This account is locked. Contact the administrator of this server to have it unlocked.',
    };
  }
  const { account } = attempt;
  deps.logger.info('signed in', { accountId: account.id, via });
  deps.countSignIn?.('success');
  deps.audit.record({
    event: 'sign_in.succeeded',
    username: account.username,
    accountId: account.id,
    address,
    via,
  });
  return attempt;
}
