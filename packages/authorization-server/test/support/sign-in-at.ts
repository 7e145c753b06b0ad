import assert from 'node:assert/strict';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { DEMO_RESOURCE, type TokenSet } from './signed-in-client.ts';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** What a code redemption needs, for the client just registered and signed in at `issuer`. */
export interface CodeFlow {
  readonly clientId: string;
  readonly code: string;
  readonly verifier: string;
  readonly redirectUri: string;
}

/**
 * Registers a public client at `issuer` (or uses `clientId`, one registered before) and signs
 * `user` in there, up to the code.
 */
export async function codeFlowAt(issuer: string, user: Credentials, clientId?: string): Promise<CodeFlow> {
  const client = clientId ? { client_id: clientId } : await registerPublicClient(issuer);
  const outcome = await authorize(issuer, {
    clientId: client.client_id,
    scope: 'user',
    resource: DEMO_RESOURCE,
    username: user.username,
    password: user.password,
  });
  const code = outcome.redirect.searchParams.get('code');
  assert.ok(code, outcome.redirect.href);
  return { clientId: client.client_id, code, verifier: outcome.verifier, redirectUri: outcome.redirectUri };
}

/**
 * The whole flow against an AS known only by its URL (one running as a separate process):
 * signed in at `issuer`, the code redeemed at `redeemAt` (the same by default).
 */
export async function signInAt(
  issuer: string,
  user: Credentials,
  redeemAt = issuer,
  clientId?: string,
): Promise<{ clientId: string; tokens: TokenSet }> {
  const flow = await codeFlowAt(issuer, user, clientId);
  const response = await redeemCode(redeemAt, flow);
  assert.equal(response.status, 200, await response.clone().text());
  return { clientId: flow.clientId, tokens: (await response.json()) as TokenSet };
}
