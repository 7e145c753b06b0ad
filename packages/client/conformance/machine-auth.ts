import {
  Client,
  ClientCredentialsProvider,
  CrossAppAccessProvider,
  type OAuthClientProvider,
  PrivateKeyJwtProvider,
  requestJwtAuthorizationGrant,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { ConformanceContext } from './context.ts';
import { exerciseServer } from './exercise.ts';
import type { ToolCall } from './tool-calls.ts';
import { trace } from './trace.ts';
import { WorkloadIdentityProvider } from './workload-identity.ts';

/** The scenarios with no user: the SDK's machine providers, plugged into the transport. */
export const MACHINE_SCENARIOS: ReadonlySet<string> = new Set([
  'auth/client-credentials-basic',
  'auth/client-credentials-jwt',
  'auth/cross-app-access-complete-flow',
  'auth/enterprise-managed-authorization',
  'auth/wif-jwt-bearer',
]);

function providerFor(context: ConformanceContext): OAuthClientProvider {
  switch (context.name) {
    case 'auth/client-credentials-basic':
      // client_credentials with client_secret_basic.
      return new ClientCredentialsProvider({
        clientId: context.clientId,
        clientSecret: context.clientSecret,
      });
    case 'auth/client-credentials-jwt':
      // client_credentials with a private_key_jwt assertion (RFC 7523 §2.2).
      return new PrivateKeyJwtProvider({
        clientId: context.clientId,
        privateKey: context.privateKeyPem,
        algorithm: context.signingAlgorithm,
      });
    case 'auth/cross-app-access-complete-flow':
    case 'auth/enterprise-managed-authorization':
      // SEP-990: the IdP's ID token becomes an ID-JAG (RFC 8693) for the AS the SDK
      // discovered; the SDK then redeems it with the jwt-bearer grant (RFC 7523).
      return new CrossAppAccessProvider({
        clientId: context.clientId,
        clientSecret: context.clientSecret,
        assertion: async (ctx) => {
          const grant = await requestJwtAuthorizationGrant({
            tokenEndpoint: context.idpTokenEndpoint,
            audience: ctx.authorizationServerUrl,
            resource: ctx.resourceUrl,
            idToken: context.idpIdToken,
            clientId: context.idpClientId,
            ...(ctx.scope ? { scope: ctx.scope } : {}),
            fetchFn: ctx.fetchFn,
          });
          return grant.jwtAuthGrant;
        },
      });
    case 'auth/wif-jwt-bearer':
      // SEP-1933: the workload's valid JWT; the context's wrong-audience and expired ones are for
      // clients that test their own refusals.
      return new WorkloadIdentityProvider({ clientId: context.clientId, assertion: context.validJwt });
    default:
      throw new Error(`this scenario needs credentials in MCP_CONFORMANCE_CONTEXT (got ${context.name})`);
  }
}

export async function runMachineAuth(
  serverUrl: string,
  context: ConformanceContext,
  toolCalls: readonly ToolCall[],
): Promise<string> {
  const client = new Client({ name: 'mcp-auth-client-conformance', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), {
    authProvider: providerFor(context),
  });
  await client.connect(transport);
  trace('connected');
  try {
    return await exerciseServer((operation) => operation(client), toolCalls);
  } finally {
    await client.close().catch(() => {});
  }
}
