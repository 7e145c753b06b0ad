import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  DEV_INTROSPECTION_CLIENT_ID,
  type DevIntrospectionCredentials,
  devIntrospectionCredentialsFrom,
  formatDevIntrospectionCredentials,
  writePrivateFile,
} from '@mcp-auth/shared';
import type { ClientPrivileges } from '../clients/client-privileges.ts';
import { hashClientSecret } from '../clients/client-secret.ts';

/**
 * RFC 7662 §2.1 requires introspection callers to authenticate, yet the seed's commands must work
 * with no manual step. On a loopback issuer only, the AS therefore keeps a development
 * credential for resource servers in an owner-only file in its data folder; `mcp-auth-rs` on the
 * same machine reads it when it is given no credentials. A non-loopback issuer never gets one:
 * production resource servers are registered with `mcp-auth-as clients add --resource-server`.
 */
export async function loadOrCreateDevIntrospectionCredentials(
  path: string,
  issuer: string,
): Promise<DevIntrospectionCredentials> {
  try {
    const saved = devIntrospectionCredentialsFrom(JSON.parse(await readFile(path, 'utf8')));
    if (saved?.client_id === DEV_INTROSPECTION_CLIENT_ID) {
      const current = { issuer, client_id: saved.client_id, client_secret: saved.client_secret };
      if (saved.issuer !== issuer) await writePrivateFile(path, formatDevIntrospectionCredentials(current));
      return current;
    }
  } catch {
    // Missing or unreadable: make a new one below.
  }
  const created = {
    issuer,
    client_id: DEV_INTROSPECTION_CLIENT_ID,
    client_secret: randomBytes(32).toString('base64url'),
  };
  await writePrivateFile(path, formatDevIntrospectionCredentials(created));
  return created;
}

/** The static client oidc-provider authenticates the development resource server as. */
export function devIntrospectionClient(credentials: DevIntrospectionCredentials) {
  return {
    client_id: credentials.client_id,
    // Held hashed in memory too: only the hand-over file has it in clear.
    client_secret: hashClientSecret(credentials.client_secret),
    client_name: 'Development resource server (loopback only)',
    grant_types: [] as string[],
    response_types: [] as never[],
    redirect_uris: [] as string[],
    token_endpoint_auth_method: 'client_secret_basic' as const,
  };
}

/**
 * What the development credential may do, configured here rather than stored: introspect access
 * tokens for every resource the AS serves (RFC 7662), as the one resource server of a machine.
 */
export const DEV_INTROSPECTION_PRIVILEGES: ClientPrivileges = { introspection: { everyResource: true } };
