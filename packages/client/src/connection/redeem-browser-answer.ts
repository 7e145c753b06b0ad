import { auth, type FetchLike } from '@modelcontextprotocol/client';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import { authorizationRefusal } from './authorization-refusal.ts';
import { AuthFailure, findCause } from './errors.ts';
import { NetworkFailure } from './observed-fetch.ts';

/**
 * What the browser brought back to the redirect URI (RFC 6749 §4.1.2): an error is explained;
 * a code is redeemed at the token endpoint through the SDK, which checks `iss` first
 * (RFC 9207 §2.4) and sends the PKCE verifier (RFC 7636 §4.5).
 */
export async function redeemBrowserAnswer(
  params: URLSearchParams,
  context: {
    readonly provider: FileOAuthProvider;
    /** The MCP server URL as given. */
    readonly serverUrl: string;
    readonly fetch: FetchLike;
    /** The scope the authorization asked for, for explaining a refusal. */
    readonly requestedScope: string | undefined;
  },
): Promise<void> {
  const error = params.get('error');
  if (error) throw authorizationRefusal(params, error, context);
  const code = params.get('code');
  if (!code)
    throw new AuthFailure('the browser came back without an authorization code; run the command again');
  try {
    const iss = params.get('iss');
    await auth(context.provider, {
      serverUrl: new URL(context.serverUrl),
      authorizationCode: code,
      ...(iss ? { iss } : {}),
      fetchFn: context.fetch,
    });
  } catch (cause) {
    // Explained by the connection, which knows where each request went.
    if (findCause(cause, NetworkFailure)) throw cause;
    throw new AuthFailure(`the sign-in could not be completed: ${(cause as Error).message}`, { cause });
  }
}
