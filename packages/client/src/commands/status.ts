import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';

/** What `status` knows without asking the network. */
export async function describeSignIn(provider: FileOAuthProvider, serverUrl: string) {
  const saved = await provider.savedTokens();
  if (!saved) return { signedIn: false as const, server: serverUrl };
  const client = await provider.clientInformation({ issuer: saved.issuer });
  return {
    signedIn: true as const,
    server: serverUrl,
    authorizationServer: saved.issuer,
    clientId: client?.client_id,
    scope: saved.tokens.scope,
    accessTokenExpires: saved.expiresAt ? new Date(saved.expiresAt).toISOString() : undefined,
    canRefresh: Boolean(saved.tokens.refresh_token),
  };
}

export function statusLines(status: Awaited<ReturnType<typeof describeSignIn>>, subject?: string): string[] {
  if (!status.signedIn) return [`Not signed in to ${status.server}.`];
  const expires = status.accessTokenExpires;
  const expired = expires !== undefined && Date.parse(expires) <= Date.now();
  return [
    `Server:                ${status.server}`,
    `Authorization server:  ${status.authorizationServer}`,
    ...(subject ? [`Signed in as:          ${subject}`] : []),
    `Client id:             ${status.clientId ?? '(unknown)'}`,
    `Scopes:                ${status.scope ?? '(none)'}`,
    `Access token expires:  ${expires ?? '(unknown)'}${expired ? ' (expired)' : ''}`,
    `Refresh token:         ${status.canRefresh ? 'yes, renewed automatically' : 'no'}`,
  ];
}
