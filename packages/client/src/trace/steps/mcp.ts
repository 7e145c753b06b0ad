import type { ObservedExchange } from '../exchange.ts';
import { challengeOf, type Lesson, member } from '../lesson.ts';
import { type HttpStep, type StepDescription, succeeded } from './step.ts';

/** A request to the MCP endpoint (or the SSE message endpoint), not to the metadata beside it. */
export function isMcpEndpoint(exchange: ObservedExchange, lesson: Lesson): boolean {
  return (
    exchange.url.origin === lesson.serverUrl.origin && !exchange.url.pathname.startsWith('/.well-known/')
  );
}

function sentToken(exchange: ObservedExchange): boolean {
  return exchange.requestHeaders.has('authorization');
}

/** The JSON-RPC method a request carries, with the tool of a `tools/call`: "tools/call calculator". */
export function rpcOf(exchange: ObservedExchange): string | undefined {
  const messages = Array.isArray(exchange.requestJson) ? exchange.requestJson : [exchange.requestJson];
  const methods = messages.flatMap((message) => {
    const method = member(message, 'method');
    if (typeof method !== 'string') return [];
    const tool = member(member(message, 'params'), 'name');
    return [method === 'tools/call' && typeof tool === 'string' ? `${method} ${tool}` : method];
  });
  return methods.length > 0 ? methods.join(', ') : undefined;
}

/** 401 from the MCP server: the start of every sign-in (MCP "Authorization Flow Steps"). */
export const mcpUnauthorized: HttpStep = {
  matches: (exchange, lesson) => isMcpEndpoint(exchange, lesson) && exchange.response?.status === 401,
  describe(exchange) {
    const challenge = challengeOf(exchange.response?.headers ?? new Headers());
    const notes = [
      sentToken(exchange)
        ? 'The token sent was refused (expired, revoked, or not issued for this server): the client signs in again.'
        : 'No token was sent: a client cannot know that a server is protected until it answers like this.',
      challenge.resourceMetadataUrl
        ? `resource_metadata: where this server's protected resource metadata is (RFC 9728 §5.1); the client reads it next.`
        : 'No resource_metadata: the client looks for the metadata at the well-known URLs instead (RFC 9728 §3.1).',
      challenge.scope
        ? `scope "${challenge.scope}": what to ask for; the challenge's scope comes first (MCP authorization "Scope Selection Strategy").`
        : 'No scope in the challenge: the client asks again for what it held, else for the scopes_supported of the metadata (MCP authorization "Scope Selection Strategy").',
    ];
    return {
      step: 'mcp-unauthorized',
      title: sentToken(exchange)
        ? 'MCP request refused: 401, the token is not accepted'
        : 'MCP request without a token: 401, the server asks for one',
      spec: ['RFC 6750 §3.1', 'RFC 9728 §5.1', 'MCP authorization: Protected Resource Metadata Discovery'],
      notes,
    };
  },
  learn(exchange, lesson) {
    lesson.challenge = challengeOf(exchange.response?.headers ?? new Headers());
  },
};

/** 403 `insufficient_scope`: the token is good, but too narrow for this request. */
export const mcpInsufficientScope: HttpStep = {
  matches: (exchange, lesson) =>
    isMcpEndpoint(exchange, lesson) &&
    exchange.response?.status === 403 &&
    challengeOf(exchange.response.headers).error === 'insufficient_scope',
  describe(exchange) {
    const challenge = challengeOf(exchange.response?.headers ?? new Headers());
    return {
      step: 'mcp-insufficient-scope',
      title: 'MCP request refused: 403 insufficient_scope, the token is too narrow',
      spec: ['RFC 6750 §3.1', 'MCP authorization: Scope Challenge Handling'],
      notes: [
        'The token is valid, but lacks a scope this request needs.',
        `scope "${challenge.scope ?? ''}": what this request needs; the client treats it as authoritative.`,
        'The client signs in again for the scopes it holds plus these (a refresh cannot widen a grant, RFC 6749 §6), then repeats the request (MCP authorization "Step-Up Authorization Flow").',
      ],
    };
  },
  learn(exchange, lesson) {
    lesson.challenge = challengeOf(exchange.response?.headers ?? new Headers());
  },
};

/** Any other exchange with the MCP server; the first success with a token closes the sign-in. */
export const mcpRequest: HttpStep = {
  matches: isMcpEndpoint,
  describe(exchange, lesson): StepDescription {
    const withToken = sentToken(exchange);
    const explain = withToken && succeeded(exchange) && !lesson.callExplained;
    return {
      step: 'mcp-request',
      title: withToken ? 'MCP request with the access token' : 'MCP request',
      spec: withToken ? ['RFC 6750 §2.1', 'MCP authorization: Access Token Usage'] : [],
      notes: explain
        ? [
            'Authorization: Bearer …: the token travels in this header on every request, never in the URL (RFC 6750 §2.1).',
          ]
        : [],
      ...(explain
        ? {
            whatJustHappened: lesson.tokensJustIssued
              ? 'The MCP server checked the new token (that it is live and was issued for this server) and answered: signing in worked.'
              : 'The token kept from an earlier sign-in was sent and accepted: no browser, no sign-in.',
          }
        : {}),
    };
  },
  learn(exchange, lesson) {
    if (sentToken(exchange) && succeeded(exchange)) {
      lesson.callExplained = true;
      lesson.tokensJustIssued = false;
    }
  },
};
