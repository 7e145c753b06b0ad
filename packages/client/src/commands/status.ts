import { McpConnection } from '../connection/mcp-connection.ts';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import type { ClientOptions } from '../options.ts';
import type { CredentialStore } from '../store/credential-store.ts';

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

/**
 * "As whom": asks the server, with the stored tokens and never a browser, through a `whoami`
 * tool when it has one. Undefined when it cannot tell (no such tool, or not reachable).
 */
export async function whoAmI(
  options: ClientOptions,
  store: CredentialStore,
  say: (line: string) => void,
): Promise<string | undefined> {
  let connection: McpConnection | undefined;
  try {
    connection = await McpConnection.open({
      url: options.url,
      transport: options.transport,
      store,
      callbackPort: 0,
      browser: 'print',
      interactive: false,
      say: () => {},
      stderr: process.stderr,
      env: {},
    });
    const { tools } = await connection.run((client) => client.listTools());
    if (!tools.some((tool) => tool.name === 'whoami')) return undefined;
    const result = await connection.run((client) => client.callTool({ name: 'whoami', arguments: {} }));
    const identity = result.structuredContent as
      | { username?: string | null; subject?: string | null }
      | undefined;
    return identity?.username ?? identity?.subject ?? undefined;
  } catch (error) {
    say(`(could not ask the server who you are: ${(error as Error).message})`);
    return undefined;
  } finally {
    await connection?.close();
  }
}
