import type { StorageBackend } from '../storage/storage-backend.ts';

/**
 * What the operator's commands tell the audit log. The audit log itself (`src/audit/`, an
 * `AuditLog` with one method per event) is built separately; `adminAuditFor` is the single place
 * where these commands are connected to it. Until then every event is dropped.
 */
export interface AdminAudit {
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

const DROPPED = async (): Promise<void> => {};

/** Records nothing: what the commands use until the audit log is connected (see above). */
export const UNCONNECTED_AUDIT: AdminAudit = {
  clientRemoved: DROPPED,
  grantRevoked: DROPPED,
  userLocked: DROPPED,
  userUnlocked: DROPPED,
  keysRotated: DROPPED,
  backupWritten: DROPPED,
};

/**
 * MERGE POINT: the audit log of the commands working on `backend`. Connect `src/audit/`'s
 * `AuditLog` here (one adapter from these events to its methods); nothing else changes.
 */
export function adminAuditFor(_backend: StorageBackend): AdminAudit {
  return UNCONNECTED_AUDIT;
}
