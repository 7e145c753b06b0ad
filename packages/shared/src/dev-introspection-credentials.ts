import { join } from 'node:path';
import { authorizationServerDataDir, type Environment } from './user-folders.ts';

/**
 * The development credential an authorization server on a loopback issuer hands to resource
 * servers on the same machine (RFC 7662 §2.1: introspection callers authenticate), so the demo
 * works with no manual step. The AS writes this file (owner-only) in its data folder; the RS
 * reads it when it is given no credentials. Both sides use the name, place and shape below.
 */
export const DEV_INTROSPECTION_FILE = 'dev-introspection-client.json';

/** The client id the AS gives the development credential. */
export const DEV_INTROSPECTION_CLIENT_ID = 'mcp-auth-dev-resource-server';

/** The file's content: a JSON object with exactly these members (RFC 7591 names). */
export interface DevIntrospectionCredentials {
  /** The issuer the credential belongs to; a resource server of another issuer must not use it. */
  readonly issuer: string;
  readonly client_id: string;
  readonly client_secret: string;
}

/** Where an AS on this machine keeps the file by default: `<its data folder>/dev-introspection-client.json`. */
export function devIntrospectionCredentialsFile(env: Environment): string {
  return join(authorizationServerDataDir(env), DEV_INTROSPECTION_FILE);
}

/** The text the AS writes. */
export function formatDevIntrospectionCredentials(credentials: DevIntrospectionCredentials): string {
  const { issuer, client_id, client_secret } = credentials;
  return `${JSON.stringify({ issuer, client_id, client_secret }, null, 2)}\n`;
}

/**
 * The credential in a parsed file, or undefined when it holds no client id and secret. The
 * issuer may be missing (files written before it was recorded): the reader decides what that means.
 */
export function devIntrospectionCredentialsFrom(
  value: unknown,
): (Omit<DevIntrospectionCredentials, 'issuer'> & { readonly issuer?: string }) | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { issuer, client_id, client_secret } = value as Record<string, unknown>;
  if (typeof client_id !== 'string' || typeof client_secret !== 'string') return undefined;
  return { client_id, client_secret, ...(typeof issuer === 'string' ? { issuer } : {}) };
}
