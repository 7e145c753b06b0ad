import assert from 'node:assert/strict';
import { DEFAULT_MCP_URL } from '@mcp-auth/shared';
import {
  authorize,
  basicAuth,
  type RegisteredClient,
  redeemCode,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { TEST_USER, type TestAuthorizationServer } from './test-server.ts';

/** The demo resource the AS registers by default. */
export const DEMO_RESOURCE = DEFAULT_MCP_URL;

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

/** Registers a public client and runs the whole flow for TEST_USER: the usual test set-up. */
export async function signInNewClient(
  server: TestAuthorizationServer,
  scope = 'user',
): Promise<{ client: RegisteredClient; tokens: TokenSet }> {
  const client = await registerPublicClient(server.issuer);
  const outcome = await authorize(server.issuer, {
    clientId: client.client_id,
    scope,
    resource: DEMO_RESOURCE,
    username: TEST_USER.username,
    password: TEST_USER.password,
  });
  const code = outcome.redirect.searchParams.get('code');
  assert.ok(code, `no code in ${outcome.redirect.href}`);
  const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
  assert.equal(response.status, 200);
  return { client, tokens: (await response.json()) as TokenSet };
}

export function devIntrospectionAuth(server: TestAuthorizationServer): string {
  const credentials = server.devIntrospectionCredentials;
  assert.ok(credentials);
  return basicAuth(credentials.client_id, credentials.client_secret);
}
