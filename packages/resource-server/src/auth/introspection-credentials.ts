import { readFile } from 'node:fs/promises';
import {
  devIntrospectionCredentialsFile,
  devIntrospectionCredentialsFrom,
  isLoopbackHostname,
} from '@mcp-auth/shared';

export interface IntrospectionCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where they came from, for the start-up log. */
  readonly source: 'configured' | 'development-file';
}

/** Where `mcp-auth-as` keeps its development credential by default (its --data-dir). */
export function defaultDevCredentialsFile(env: Readonly<Record<string, string | undefined>>): string {
  return devIntrospectionCredentialsFile(env);
}

/**
 * RFC 7662 §2.1: the RS authenticates to the introspection endpoint. Configured credentials win.
 * Without them, and only when the AS is on loopback, the development credential that a local
 * `mcp-auth-as` writes is used, so the seed's commands work with no manual step; it must name
 * the same issuer. Anything else is a start-up error that says what to do.
 */
export async function resolveIntrospectionCredentials(options: {
  configured?: { clientId: string; clientSecret: string };
  authServer: string;
  devCredentialsFile: string;
}): Promise<IntrospectionCredentials> {
  if (options.configured) return { ...options.configured, source: 'configured' };
  const issuerHost = new URL(options.authServer).hostname;
  if (!isLoopbackHostname(issuerHost)) {
    throw new Error(
      'token introspection needs credentials: register this server with `mcp-auth-as clients add --resource-server` and pass --introspection-client-id and --introspection-client-secret (or MCP_AUTH_RS_CLIENT_ID / MCP_AUTH_RS_CLIENT_SECRET)',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(options.devCredentialsFile, 'utf8'));
  } catch {
    throw new Error(
      `no introspection credentials: pass --introspection-client-id/--introspection-client-secret, or start mcp-auth-as on this machine first (its development credential is read from ${options.devCredentialsFile})`,
    );
  }
  const credentials = devIntrospectionCredentialsFrom(parsed);
  if (!credentials) {
    throw new Error(`${options.devCredentialsFile} does not hold a client_id and client_secret`);
  }
  if (
    credentials.issuer !== undefined &&
    credentials.issuer.replace(/\/$/, '') !== options.authServer.replace(/\/$/, '')
  ) {
    throw new Error(
      `the development credential in ${options.devCredentialsFile} is for ${credentials.issuer}, not ${options.authServer}; pass --dev-credentials-file or explicit credentials`,
    );
  }
  return {
    clientId: credentials.client_id,
    clientSecret: credentials.client_secret,
    source: 'development-file',
  };
}
