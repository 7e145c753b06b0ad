import type { StoredOAuthClientInformation } from '@modelcontextprotocol/client';
import { AuthFailure } from '../connection/errors.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import { preregisteredIssuerProblem } from './authorization-server-checks.ts';

/**
 * MCP 2026-07-28 Client Registration §Authorization Server Binding: a pre-registered client id
 * is bound to the first AS it is used with (kept in the store), and refused with any other.
 */
export async function bindPreregisteredClient(
  store: CredentialStore,
  clientId: string,
  issuer: string,
): Promise<void> {
  const path = store.preregisteredPath(clientId);
  const binding = await store.read<{ client_id: string; issuer: string }>(path);
  if (!binding?.issuer) {
    await store.write(path, { client_id: clientId, issuer });
    return;
  }
  const problem = preregisteredIssuerProblem(clientId, binding.issuer, issuer);
  if (problem) throw new AuthFailure(`${problem} (the binding is kept in ${path})`);
}

/** The pre-registered credentials as the SDK wants them, bound to `issuer` first when it is known. */
export async function preregisteredClientInformation(
  store: CredentialStore,
  preregistered: { readonly clientId: string; readonly clientSecret?: string },
  issuer: string | undefined,
): Promise<StoredOAuthClientInformation> {
  if (issuer) await bindPreregisteredClient(store, preregistered.clientId, issuer);
  return {
    client_id: preregistered.clientId,
    ...(preregistered.clientSecret ? { client_secret: preregistered.clientSecret } : {}),
  } as StoredOAuthClientInformation;
}
