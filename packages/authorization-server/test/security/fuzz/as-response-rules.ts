import type { Exchange, Response } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { ATTACKER_ORIGIN, parseJson } from './as-credentials.ts';

/**
 * What the specifications require of the Authorization Server's answers, whatever was asked.
 * Each rule returns a sentence per violation, naming the rule.
 */
export interface AuthorizationServerRuleContext {
  readonly issuer: string;
  /** Every token and client secret the test holds: none may ever appear in an answer. */
  readonly secrets: () => readonly string[];
  /** Paths of the JSON endpoints that answer errors as RFC 6749 §5.2 objects. */
  readonly jsonEndpoints: ReadonlySet<string>;
}

type Rule = (exchange: Exchange, response: Response, context: AuthorizationServerRuleContext) => string[];

const header = (response: Response, name: string) => response.headers.get(name)?.join(', ');
const pathOf = (exchange: Exchange) => exchange.request.target.split('?')[0] ?? '';
const isGet = (exchange: Exchange) => exchange.request.method === 'GET';

/** RFC 8414 §3.3: the metadata's issuer is the issuer, whatever Host the request named. */
const discoveryNamesTheIssuer: Rule = (exchange, response, { issuer }) => {
  if (exchange.draft.scenario !== 'discovery' || response.status !== 200 || !isGet(exchange)) return [];
  const metadata = parseJson(response.body);
  if (!metadata) return ['discovery answered 200 without a JSON object (RFC 8414 §3.2)'];
  const problems: string[] = [];
  if (metadata.issuer !== issuer)
    problems.push(`discovery names issuer ${String(metadata.issuer)} (RFC 8414 §3.3)`);
  for (const [key, value] of Object.entries(metadata)) {
    if ((key.endsWith('_endpoint') || key === 'jwks_uri') && !String(value).startsWith(`${issuer}/`)) {
      problems.push(`discovery points ${key} outside the issuer: ${String(value)}`);
    }
  }
  return problems;
};

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** RFC 7517 §5 / RFC 7518 §6: a published key set holds public keys only. */
const jwksHasNoPrivateKeys: Rule = (exchange, response) => {
  if (exchange.draft.scenario !== 'jwks' || response.status !== 200 || !isGet(exchange)) return [];
  const keys = parseJson(response.body)?.keys;
  if (!Array.isArray(keys)) return ['/jwks answered 200 without a "keys" array (RFC 7517 §5)'];
  return keys.some((key) => PRIVATE_JWK_MEMBERS.some((member) => member in (key as object)))
    ? ['/jwks publishes private key material (RFC 7518 §6)']
    : [];
};

/**
 * RFC 6749 §4.1.2.1 / OAuth 2.1 §4.1.2.1: never redirect to a URI the client did not register;
 * no redirect to script or data URIs either.
 */
const noOpenRedirect: Rule = (_exchange, response) => {
  const location = header(response, 'location');
  if (!location) return [];
  const lowered = location.toLowerCase();
  if (lowered.startsWith(ATTACKER_ORIGIN) || lowered.startsWith('//evil.example')) {
    return [`redirects to an unregistered URI: ${location}`];
  }
  if (/^\s*(javascript|data|vbscript):/.test(lowered)) return [`redirects to a script URI: ${location}`];
  return [];
};

/** README "Clients": dynamic registration cannot claim privileges or the client credentials grant. */
const registrationGrantsNoPrivilege: Rule = (_exchange, response) => {
  if (response.status !== 201) return [];
  const client = parseJson(response.body);
  if (!client) return ['registration answered 201 without a JSON object (RFC 7591 §3.2.1)'];
  const problems: string[] = [];
  if (client.mcp_resource_server === true || client.mcp_preregistered === true) {
    problems.push('a self-registered client was given an operator-only privilege');
  }
  if (Array.isArray(client.grant_types) && client.grant_types.includes('client_credentials')) {
    problems.push('a self-registered client was given the client_credentials grant');
  }
  return problems;
};

/**
 * RFC 7662 §2.2: the answer is a JSON object with a boolean `active`; §2.1 and our policy: a
 * caller without valid credentials never learns that a token is active.
 */
const introspectionAnswers: Rule = (exchange, response) => {
  if (!exchange.draft.scenario.startsWith('introspection') || response.status !== 200) return [];
  if (pathOf(exchange) !== '/token/introspection') return [];
  const answer = parseJson(response.body);
  if (typeof answer?.active !== 'boolean') return ['introspection answered 200 without a boolean "active"'];
  if (answer.active && !exchange.draft.authenticated) {
    return ['introspection told a caller without valid credentials that a token is active (RFC 7662 §2.1)'];
  }
  return [];
};

/** RFC 6749 §5.2: errors of the JSON endpoints are JSON objects with a string `error`. */
const jsonErrors: Rule = (exchange, response, { jsonEndpoints }) => {
  if (response.status < 400 || response.status >= 500 || response.body.length === 0) return [];
  // Only the endpoints' own method: another one is a route that does not exist (404, 405).
  if (!jsonEndpoints.has(pathOf(exchange)) || exchange.request.method !== 'POST') return [];
  if (!/^application\/json/i.test(header(response, 'content-type') ?? '')) {
    return [`a ${response.status} of a JSON endpoint is ${header(response, 'content-type') ?? 'untyped'}`];
  }
  return typeof parseJson(response.body)?.error === 'string'
    ? []
    : [`a ${response.status} without a string "error" member (RFC 6749 §5.2)`];
};

/**
 * RFC 6749 §5.2: a client that tried HTTP authentication at an endpoint that authenticates clients
 * (token, introspection, revocation, registration) gets 401 with a WWW-Authenticate challenge. The
 * sign-in form's 401 (a person's wrong password) is a page, not a client authentication answer.
 */
const clientAuthenticationChallenge: Rule = (exchange, response, { jsonEndpoints }) => {
  if (response.status !== 401 || !jsonEndpoints.has(pathOf(exchange))) return [];
  const triedBasic = exchange.request.headers.some(
    ([name, value]) => name.toLowerCase() === 'authorization' && /^basic /i.test(value),
  );
  return triedBasic && !header(response, 'www-authenticate')
    ? ['401 after HTTP Basic client authentication without WWW-Authenticate (RFC 6749 §5.2)']
    : [];
};

/** RFC 6749 §5.1: token answers are never cached. */
const tokenAnswersAreNotCached: Rule = (exchange, response) => {
  if (pathOf(exchange) !== '/token' || response.status !== 200) return [];
  return /no-store/i.test(header(response, 'cache-control') ?? '')
    ? []
    : ['a token answer without Cache-Control: no-store (RFC 6749 §5.1)'];
};

/** RFC 9700 §4.16 (clickjacking): every HTML page forbids framing (a redirect's body is never shown). */
const pagesCannotBeFramed: Rule = (_exchange, response) => {
  if (response.status >= 300 && response.status < 400) return [];
  if (!/^text\/html/i.test(header(response, 'content-type') ?? '') || response.body.length === 0) return [];
  const csp = header(response, 'content-security-policy') ?? '';
  const frameOptions = header(response, 'x-frame-options') ?? '';
  return /frame-ancestors 'none'/.test(csp) || /deny/i.test(frameOptions)
    ? []
    : ['an HTML page that may be framed (no frame-ancestors, no X-Frame-Options)'];
};

/** No token passthrough or reflection: a token or client secret never comes back in an answer. */
const noSecretReflected: Rule = (_exchange, response, { secrets }) => {
  if (response.body.length === 0) return [];
  const body = Buffer.from(response.body).toString('latin1');
  return secrets().some((secret) => secret.length >= 16 && body.includes(secret))
    ? ['an answer contains a token or client secret the test holds']
    : [];
};

const RULES: readonly Rule[] = [
  discoveryNamesTheIssuer,
  jwksHasNoPrivateKeys,
  noOpenRedirect,
  registrationGrantsNoPrivilege,
  introspectionAnswers,
  jsonErrors,
  clientAuthenticationChallenge,
  tokenAnswersAreNotCached,
  pagesCannotBeFramed,
  noSecretReflected,
];

export function authorizationServerRules(context: AuthorizationServerRuleContext) {
  return (exchange: Exchange, response: Response): string[] =>
    RULES.flatMap((rule) => rule(exchange, response, context));
}
