/**
 * What the conformance runner hands the client besides the server URL: the scenario name
 * (`MCP_CONFORMANCE_SCENARIO`) and, for scenarios that need credentials the client could not
 * discover, a JSON context (`MCP_CONFORMANCE_CONTEXT`; its shapes are the suite's
 * `ClientConformanceContextSchema`).
 */
export type ConformanceContext =
  | { readonly name: 'auth/pre-registration'; readonly clientId: string; readonly clientSecret: string }
  | {
      readonly name: 'auth/client-credentials-basic';
      readonly clientId: string;
      readonly clientSecret: string;
    }
  | {
      readonly name: 'auth/client-credentials-jwt';
      readonly clientId: string;
      readonly privateKeyPem: string;
      readonly signingAlgorithm: string;
    }
  | {
      // 0.1's name; 0.2 calls the same flow auth/enterprise-managed-authorization.
      readonly name: 'auth/cross-app-access-complete-flow' | 'auth/enterprise-managed-authorization';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly idpClientId: string;
      readonly idpIdToken: string;
      readonly idpIssuer: string;
      readonly idpTokenEndpoint: string;
    }
  | { readonly name: 'auth/wif-jwt-bearer'; readonly clientId: string; readonly validJwt: string }
  | { readonly name: 'none' };

export function readContext(env: Readonly<Record<string, string | undefined>>): ConformanceContext {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return { name: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error('MCP_CONFORMANCE_CONTEXT is not an object');
  const record = parsed as Record<string, unknown>;
  const text = (key: string): string => {
    const value = record[key];
    if (typeof value !== 'string' || value === '') throw new Error(`MCP_CONFORMANCE_CONTEXT has no ${key}`);
    return value;
  };
  const name = String(record.name ?? env.MCP_CONFORMANCE_SCENARIO ?? '');
  switch (name) {
    case 'auth/pre-registration':
    case 'auth/client-credentials-basic':
      return { name, clientId: text('client_id'), clientSecret: text('client_secret') };
    case 'auth/client-credentials-jwt':
      return {
        name,
        clientId: text('client_id'),
        privateKeyPem: text('private_key_pem'),
        signingAlgorithm: typeof record.signing_algorithm === 'string' ? record.signing_algorithm : 'ES256',
      };
    case 'auth/cross-app-access-complete-flow':
    case 'auth/enterprise-managed-authorization':
      return {
        name,
        clientId: text('client_id'),
        clientSecret: text('client_secret'),
        idpClientId: text('idp_client_id'),
        idpIdToken: text('idp_id_token'),
        idpIssuer: text('idp_issuer'),
        idpTokenEndpoint: text('idp_token_endpoint'),
      };
    case 'auth/wif-jwt-bearer':
      return { name, clientId: text('client_id'), validJwt: text('valid_jwt') };
    default:
      // A context this harness does not know (a newer suite): the scenario runs without it.
      return { name: 'none' };
  }
}
