import type { ArtifactStore } from '../storage/storage-backend.ts';

/** oidc-provider's model of a browser's sign-in session at the AS. */
const SESSION_MODEL = 'Session';

/**
 * Ends every sign-in session of one account at the AS (`users lock`, "sign out everywhere" and a
 * password change on /account): no browser skips the sign-in page on its behalf any more. Its
 * grants are untouched: connected apps keep their tokens. Returns how many sessions ended.
 */
export async function endSessionsOf(artifacts: ArtifactStore, accountId: string): Promise<number> {
  let ended = 0;
  for (const session of await artifacts.listLive(SESSION_MODEL)) {
    if (session.payload.accountId !== accountId) continue;
    // The key is the session id's hash already (provider/oidc-adapter.ts): deleted as stored.
    await artifacts.destroy(SESSION_MODEL, session.key);
    ended++;
  }
  return ended;
}
