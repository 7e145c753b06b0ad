import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import type { SavedTokens } from '../oauth/saved-tokens.ts';
import { describePermissions, missingScopes } from '../oauth/scopes.ts';
import type { ScopeChallenge } from './observed-fetch.ts';

const SIGN_IN_LAPSED = 'Your saved sign-in has expired or was revoked; sign in again in the browser.';

/** Why a sign-in is needed when the one held no longer works, said when the URL is shown. */
export function lapsedSignInReason(
  provider: FileOAuthProvider,
  serverUrl: string,
  held: SavedTokens | undefined,
): () => Promise<string | undefined> {
  return async () => {
    if (!held) return undefined;
    const issuer = (await provider.signIn())?.issuer;
    if (issuer && issuer !== held.issuer) {
      return `The MCP server at ${serverUrl} now uses the authorization server ${issuer} (before: ${held.issuer}); sign in there.`;
    }
    return SIGN_IN_LAPSED;
  };
}

/**
 * What a scope challenge (MCP "Scope Challenge Handling") asks for that the token held lacks,
 * and the sentence that says so: "`server_stats` needs the `admin` permission".
 */
export function stepUpNeed(
  challenge: ScopeChallenge,
  heldScope: string | undefined,
): { readonly missing: string[]; readonly needs: string } {
  const missing = missingScopes(challenge.scope, heldScope);
  const what = challenge.tool ? `\`${challenge.tool}\`` : 'This request';
  const named = missing.length > 0 ? missing : missingScopes(challenge.scope, undefined);
  return { missing, needs: `${what} needs ${describePermissions(named)}` };
}
