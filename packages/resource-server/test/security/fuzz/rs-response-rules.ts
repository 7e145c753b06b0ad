import { isLoopbackHostname } from '@mcp-auth/shared';
import type { Exchange, Response } from '@mcp-auth/test-support/fuzz/fuzz-harness';

/**
 * What MCP authorization and the RFCs it builds on require of the MCP server's answers,
 * whatever was asked. Each rule returns a sentence per violation, naming the rule.
 */
export interface ResourceServerRuleContext {
  readonly resourceUrl: string;
  readonly metadataUrl: string;
  readonly issuer: string;
  /** Every token the test holds: none may ever come back in an answer. */
  readonly secrets: () => readonly string[];
}

type Rule = (exchange: Exchange, response: Response, context: ResourceServerRuleContext) => string[];

const header = (response: Response, name: string) => response.headers.get(name)?.join(', ');

function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 6750 §3 and RFC 9728 §5.1 (MCP authorization "Protected Resource Metadata Discovery"):
 * every 401 carries a Bearer challenge naming the resource metadata; a 403 or 400 challenge
 * names its error (`insufficient_scope` with the scope needed, `invalid_request`).
 */
const bearerChallenges: Rule = (_exchange, response, { metadataUrl }) => {
  const challenge = header(response, 'www-authenticate');
  if (response.status === 401) {
    if (!challenge?.startsWith('Bearer ')) return ['a 401 without a Bearer challenge (RFC 6750 §3)'];
    if (!challenge.includes(`resource_metadata="${metadataUrl}"`)) {
      return [`a 401 challenge without resource_metadata="${metadataUrl}" (RFC 9728 §5.1)`];
    }
    return [];
  }
  if (!challenge) return [];
  if (response.status === 403 && !/error="insufficient_scope"/.test(challenge)) {
    return ['a 403 challenge that is not insufficient_scope (RFC 6750 §3.1)'];
  }
  if (response.status === 403 && !/scope="/.test(challenge))
    return ['an insufficient_scope challenge without scope'];
  if (response.status === 400 && !/error="invalid_request"/.test(challenge)) {
    return ['a 400 challenge that is not invalid_request (RFC 6750 §3.1)'];
  }
  return [];
};

/** MCP "Access Token Usage": nothing on the MCP endpoints answers without a valid token. */
const nothingWithoutAToken: Rule = ({ draft, request }, response) => {
  if (draft.authenticated || response.status >= 300 || request.method === 'OPTIONS') return [];
  if (!/^(mcp |deprecated SSE)/.test(draft.scenario)) return [];
  return [`answered ${response.status} to "${draft.scenario}" without valid credentials for it`];
};

/** RFC 9728 §3.2: the metadata names exactly this resource and its authorization server. */
const metadataNamesTheResource: Rule = ({ draft, request }, response, { resourceUrl, issuer }) => {
  if (
    draft.scenario !== 'protected resource metadata' ||
    response.status !== 200 ||
    request.method !== 'GET'
  ) {
    return [];
  }
  const metadata = parseObject(response.body);
  if (metadata?.resource !== resourceUrl)
    return [`the metadata names resource ${String(metadata?.resource)}`];
  const servers = metadata.authorization_servers;
  return Array.isArray(servers) && servers.length === 1 && servers[0] === issuer
    ? []
    : ['the metadata does not name the authorization server'];
};

/**
 * MCP Streamable HTTP "Security Warning" (DNS rebinding): CORS never opens the MCP endpoint to a
 * foreign origin; only the public metadata may be read by any origin.
 */
const corsOnlyForTrustedOrigins: Rule = ({ request }, response) => {
  const allowed = header(response, 'access-control-allow-origin');
  if (!allowed) return [];
  if (allowed === '*') {
    // The path as the server routes it (dot segments resolved, as WHATWG URL does).
    const path = URL.parse(request.target, 'http://placeholder')?.pathname ?? '';
    return path.startsWith('/.well-known/oauth-protected-resource')
      ? []
      : ['Access-Control-Allow-Origin: * outside the metadata'];
  }
  const origin = request.headers.find(([name]) => name.toLowerCase() === 'origin')?.[1];
  const url = URL.parse(allowed);
  if (allowed !== origin) return [`Access-Control-Allow-Origin ${allowed} is not the request's origin`];
  return url && isLoopbackHostname(url.hostname) ? [] : [`CORS opened to the foreign origin ${allowed}`];
};

/** MCP "Token Passthrough" and logging rules: a token never comes back in an answer. */
const noTokenReflected: Rule = (_exchange, response, { secrets }) => {
  if (response.body.length === 0) return [];
  const body = Buffer.from(response.body).toString('latin1');
  return secrets().some((secret) => body.includes(secret)) ? ['an answer contains an access token'] : [];
};

const RULES: readonly Rule[] = [
  bearerChallenges,
  nothingWithoutAToken,
  metadataNamesTheResource,
  corsOnlyForTrustedOrigins,
  noTokenReflected,
];

export function resourceServerRules(context: ResourceServerRuleContext) {
  return (exchange: Exchange, response: Response): string[] =>
    RULES.flatMap((rule) => rule(exchange, response, context));
}
