import { validateAuthorizationResponseIssuer } from '@modelcontextprotocol/client';
import { describeAuthorizationError } from '../oauth/authorization-error.ts';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import { AuthFailure } from './errors.ts';

/**
 * An error the AS sent back to the redirect URI instead of a code (RFC 6749 §4.1.2.1), as a
 * failure that says what to do; unless its `iss` shows another AS wrote it.
 */
export function authorizationRefusal(
  params: URLSearchParams,
  error: string,
  context: {
    readonly provider: FileOAuthProvider;
    /** The MCP server URL as given. */
    readonly serverUrl: string;
    /** The scope the refused authorization asked for. */
    readonly requestedScope: string | undefined;
  },
): AuthFailure {
  const discovery = context.provider.discoveryState();
  const metadata = discovery?.authorizationServerMetadata;
  try {
    // RFC 9207 §2.4: an error answer is checked too before its text is believed; in a mix-up
    // attack another AS wrote it.
    validateAuthorizationResponseIssuer({
      iss: params.get('iss') ?? undefined,
      expectedIssuer: metadata?.issuer,
      issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
    });
  } catch {
    return new AuthFailure(
      `the sign-in answer did not come from the authorization server ${metadata?.issuer ?? ''} and was ignored; run the command again`,
    );
  }
  return new AuthFailure(
    describeAuthorizationError({
      error,
      description: params.get('error_description') ?? undefined,
      resource: discovery?.resourceMetadata?.resource ?? context.serverUrl,
      scope: context.requestedScope,
    }),
  );
}
