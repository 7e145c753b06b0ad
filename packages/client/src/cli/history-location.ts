import { join } from 'node:path';

/** The REPL's history lives beside the credentials, with the same owner-only permissions. */
export function historyFileFor(storeDir: string): string {
  return join(storeDir, 'repl-history');
}
