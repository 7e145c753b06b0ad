import type { Environment } from '@mcp-auth/shared';
import { type AuditDestination, type AuditEvent, AuditLog } from '../audit/audit-log.ts';

/** What the operator's commands tell the audit log (audit/audit-events.ts names the lines). */
export interface AdminAudit {
  clientRegistered(event: { readonly clientId: string }): Promise<void>;
  clientRemoved(event: { readonly clientId: string; readonly grantsRevoked: number }): Promise<void>;
  grantRevoked(event: {
    readonly grantId: string;
    readonly accountId?: string | undefined;
    readonly clientId?: string | undefined;
  }): Promise<void>;
  userLocked(event: { readonly username: string; readonly grantsRevoked: number }): Promise<void>;
  userUnlocked(event: { readonly username: string }): Promise<void>;
  keysRotated(event: { readonly kids: readonly string[]; readonly activeFrom: number }): Promise<void>;
  backupWritten(event: { readonly databaseFile: string; readonly secretsFile: string }): Promise<void>;
}

/** The variable naming the audit file the commands append to (the server's `--audit-log`). */
export const AUDIT_LOG_VARIABLE = 'MCP_AUTH_AS_AUDIT_LOG';

/**
 * The audit log of an operator's command: appended to the file `MCP_AUTH_AS_AUDIT_LOG` names
 * (point it at the server's `--audit-log` file and one file holds both), else written to the
 * command's standard error, its log stream. The file is opened for each event and closed again:
 * a command records one or a few.
 */
export function adminAuditFor(env: Environment, stderr: { write(text: string): unknown }): AdminAudit {
  const file = env[AUDIT_LOG_VARIABLE];
  const destination: AuditDestination = file ? { file } : { write: (line) => void stderr.write(line) };
  const record = async (event: AuditEvent): Promise<void> => {
    const log = new AuditLog(destination);
    try {
      log.record(event);
    } finally {
      log.close();
    }
  };
  return {
    clientRegistered: ({ clientId }) =>
      record({ event: 'client.registered', clientId, how: 'pre-registered' }),
    clientRemoved: ({ clientId, grantsRevoked }) =>
      record({ event: 'client.removed', clientId, how: 'admin_cli', grantsRevoked }),
    grantRevoked: ({ grantId, accountId, clientId }) =>
      record({
        event: 'grant.revoked',
        grantId,
        ...(accountId ? { accountId } : {}),
        ...(clientId ? { clientId } : {}),
        by: 'admin_cli',
      }),
    userLocked: ({ username, grantsRevoked }) => record({ event: 'account.locked', username, grantsRevoked }),
    userUnlocked: ({ username }) => record({ event: 'account.unlocked', username }),
    keysRotated: ({ kids, activeFrom }) =>
      record({ event: 'keys.rotated', kids, activeFrom: new Date(activeFrom * 1000).toISOString() }),
    backupWritten: ({ databaseFile }) => record({ event: 'backup.written', databaseFile }),
  };
}
