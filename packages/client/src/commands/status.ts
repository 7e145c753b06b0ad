import type { Client } from '@modelcontextprotocol/client';
import { McpConnection } from '../connection/mcp-connection.ts';
import type { FileOAuthProvider } from '../oauth/file-oauth-provider.ts';
import type { ClientOptions } from '../options.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import type { SignInTrace } from '../trace/sign-in-trace.ts';

/** Runs one operation on a connected client (McpConnection.run, with its options applied). */
export type Runner = <T>(operation: (client: Client) => Promise<T>) => Promise<T>;

/** What `status` knows without asking the network. */
export async function describeSignIn(provider: FileOAuthProvider, serverUrl: string) {
  const saved = await provider.savedTokens();
  if (!saved) return { signedIn: false as const, server: serverUrl };
  const pointer = await provider.signIn();
  const client = await provider.clientInformation({ issuer: saved.issuer });
  return {
    signedIn: true as const,
    server: serverUrl,
    // RFC 9728 `resource`: every URL of the server that publishes it shares this sign-in.
    resource: pointer?.resource ?? serverUrl,
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
    ...(status.resource !== status.server ? [`Protected resource:    ${status.resource}`] : []),
    `Authorization server:  ${status.authorizationServer}`,
    ...(subject ? [`Signed in as:          ${subject}`] : []),
    `Client id:             ${status.clientId ?? '(unknown)'}`,
    `Scopes:                ${status.scope ?? '(none)'}`,
    `Access token expires:  ${expires ?? '(unknown)'}${expired ? ' (expired)' : ''}`,
    `Refresh token:         ${status.canRefresh ? 'yes, renewed automatically' : 'no'}`,
  ];
}

/**
 * "As whom": asks the server through its `whoami` tool, when it has one; undefined when it has
 * none. Failures are the caller's to report.
 */
export async function askWhoAmI(run: Runner): Promise<string | undefined> {
  const { tools } = await run((client) => client.listTools());
  if (!tools.some((tool) => tool.name === 'whoami')) return undefined;
  const result = await run((client) => client.callTool({ name: 'whoami', arguments: {} }));
  const identity = result.structuredContent as
    | { username?: string | null; subject?: string | null }
    | undefined;
  return identity?.username ?? identity?.subject ?? undefined;
}

export function whoAmIFailureLine(error: unknown): string {
  return `(could not ask the server who you are: ${(error as Error).message})`;
}

/** `status` on the command line: asks with the stored tokens, never through a browser. */
export async function whoAmI(
  options: ClientOptions,
  store: CredentialStore,
  say: (line: string) => void,
  trace?: SignInTrace,
): Promise<string | undefined> {
  let connection: McpConnection | undefined;
  try {
    connection = await McpConnection.open({
      url: options.url,
      transport: options.transport,
      store,
      callbackPort: 0,
      browser: 'print',
      dpop: options.dpop,
      interactive: false,
      say: () => {},
      stderr: process.stderr,
      env: {},
      trace,
    });
    const opened = connection;
    return await askWhoAmI((operation) => opened.run(operation));
  } catch (error) {
    say(whoAmIFailureLine(error));
    return undefined;
  } finally {
    await connection?.close();
  }
}
