/**
 * The security events the audit log records, one JSON line each (README "Operating it" lists
 * the fields). Every field is a fact about who did what from where: usernames, account and
 * client ids, grant ids, addresses. Never a token, code, secret or password: no event type has a
 * field that could hold one (test/security/audit-log-holds-no-secret.test.ts reads real lines).
 */
export type AuditEvent =
  | {
      readonly event: 'sign_in.succeeded';
      readonly username: string;
      readonly accountId: string;
      readonly address: string;
      /** `authorization`: an app's sign-in; `account_page`: the person's own /account. */
      readonly via: SignInPlace;
    }
  | {
      readonly event: 'sign_in.failed';
      /** What was typed as the username (trimmed, at most 64 characters). */
      readonly username: string;
      readonly address: string;
      readonly via: SignInPlace;
      readonly reason: 'wrong_credentials' | 'locked';
    }
  | {
      readonly event: 'consent.given';
      readonly accountId: string;
      readonly clientId: string;
      readonly grantId: string;
      /** Resource URI → scopes approved now (RFC 8707). */
      readonly resources: Readonly<Record<string, readonly string[]>>;
    }
  | {
      readonly event: 'consent.denied';
      readonly accountId?: string;
      readonly clientId: string;
    }
  | {
      readonly event: 'grant.revoked';
      readonly grantId: string;
      readonly accountId?: string;
      readonly clientId?: string;
      /** Who: the person on /account, or the operator (`mcp-auth-as grants revoke`). */
      readonly by: 'account_page' | 'admin_cli';
    }
  | {
      readonly event: 'refresh_token.reuse_detected' | 'code.replay_detected';
      readonly clientId?: string;
      readonly grantId?: string;
      readonly address: string;
    }
  | {
      readonly event: 'client.registered';
      readonly clientId: string;
      readonly how: 'dynamic' | 'pre-registered';
      readonly address?: string;
    }
  | {
      readonly event: 'client.removed';
      readonly clientId: string;
      readonly how: 'admin_cli';
      readonly grantsRevoked: number;
    }
  | {
      readonly event: 'rate_limit.hit';
      readonly limit: 'registration' | 'sign_in';
      readonly address: string;
    }
  | { readonly event: 'keys.rotated'; readonly kids: readonly string[]; readonly activeFrom: string }
  | {
      readonly event: 'account.password_changed' | 'account.signed_out_everywhere';
      readonly accountId: string;
      readonly address: string;
      readonly sessionsEnded: number;
    }
  | { readonly event: 'account.locked'; readonly username: string; readonly grantsRevoked: number }
  | { readonly event: 'account.unlocked'; readonly username: string }
  | { readonly event: 'backup.written'; readonly databaseFile: string };

export type SignInPlace = 'authorization' | 'account_page';

export type AuditEventName = AuditEvent['event'];
