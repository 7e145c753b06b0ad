import type { ObservedExchange } from '../exchange.ts';
import { type Lesson, member, stringMember } from '../lesson.ts';
import { type HttpStep, type StepDescription, succeeded } from './step.ts';

function grantType(exchange: ObservedExchange): string | undefined {
  return exchange.method === 'POST' ? (exchange.requestForm?.get('grant_type') ?? undefined) : undefined;
}

/** Why dynamic registration: MCP's order puts pre-registration and metadata documents first. */
function whyDynamicRegistration(lesson: Lesson): string[] {
  const { clientMetadataUrl } = lesson.registration;
  return [
    'No --client-id: no pre-registered client, the first choice in MCP\'s order (MCP authorization "Client Registration Approaches").',
    clientMetadataUrl
      ? '--client-metadata-url is set, but this AS does not advertise client_id_metadata_document_supported: the second choice is out.'
      : 'No --client-metadata-url: no Client ID Metadata Document, the second choice.',
    "So the client registers itself at the AS's registration_endpoint: dynamic registration, MCP's fallback.",
  ];
}

/** RFC 7591 §3: the client registers itself and gets a client_id. */
export const clientRegistration: HttpStep = {
  matches: (exchange, lesson) => {
    const endpoint = lesson.authorizationServer?.registrationEndpoint;
    return exchange.method === 'POST' && !!endpoint && URL.parse(endpoint)?.href === exchange.url.href;
  },
  describe(exchange, lesson) {
    const body = exchange.requestJson;
    const method = stringMember(body, 'token_endpoint_auth_method');
    const notes = [
      ...whyDynamicRegistration(lesson),
      method === 'none'
        ? 'token_endpoint_auth_method none: a public client; a program on your machine cannot keep a secret, and PKCE protects its codes instead.'
        : `token_endpoint_auth_method ${method ?? '(default)'}.`,
      'redirect_uris: the loopback listener, on 127.0.0.1 at any port (RFC 8252 §7.3).',
    ];
    const clientId = stringMember(exchange.response?.json, 'client_id');
    if (succeeded(exchange) && clientId) {
      notes.push(
        `client_id ${clientId}: kept for this AS only; credentials never cross authorization servers.`,
      );
    }
    const error = stringMember(exchange.response?.json, 'error');
    if (error) notes.push(`error ${error}: the AS refused the registration (RFC 7591 §3.2.2).`);
    return {
      step: 'client-registration',
      title: 'Client registration: dynamic (RFC 7591)',
      spec: ['RFC 7591 §3', 'MCP authorization: Client Registration Approaches'],
      notes,
    };
  },
  learn(_exchange, lesson) {
    lesson.registeredNow = true;
  },
};

/** What a token endpoint error says (RFC 6749 §5.2), when there is one. */
function tokenError(exchange: ObservedExchange): string | undefined {
  const error = stringMember(exchange.response?.json, 'error');
  if (!error) return undefined;
  const description = stringMember(exchange.response?.json, 'error_description');
  return `error ${error}${description ? ` (${description})` : ''}: the AS refused (RFC 6749 §5.2).`;
}

/** The parts of a successful token response (RFC 6749 §5.1) worth saying. */
function tokenResponseNotes(exchange: ObservedExchange): string[] {
  const json = exchange.response?.json;
  const notes = [
    `access_token (shortened here): what the MCP server will receive, token_type ${stringMember(json, 'token_type') ?? '(none)'}.`,
  ];
  const expiresIn = member(json, 'expires_in');
  if (typeof expiresIn === 'number') {
    notes.push(`expires_in ${expiresIn} s: the client refreshes it a minute before that.`);
  }
  const scope = stringMember(json, 'scope');
  if (scope) notes.push(`scope "${scope}": what was granted.`);
  return notes;
}

function resourceNote(exchange: ObservedExchange): string[] {
  const resource = exchange.requestForm?.get('resource');
  return resource
    ? [`resource ${resource}: the MCP server again, so the token is issued for it alone (RFC 8707 §2).`]
    : [];
}

function clientAuthenticationNote(exchange: ObservedExchange): string {
  return /^basic\s/i.test(exchange.requestHeaders.get('authorization') ?? '')
    ? 'Authorization: Basic …: the client authenticates with its secret (client_secret_basic, RFC 6749 §2.3.1).'
    : 'client_id without a secret: a public client; the code_verifier proves it is the one that asked.';
}

/** New tokens: the next successful MCP call is explained as their first use. */
function tokensIssued(exchange: ObservedExchange, lesson: Lesson): void {
  if (!succeeded(exchange)) return;
  lesson.tokensJustIssued = true;
  lesson.callExplained = false;
}

/** RFC 6749 §4.1.3 / §5.1: the authorization code (and PKCE verifier) for tokens. */
export const tokenRequest: HttpStep = {
  matches: (exchange) => {
    const grant = grantType(exchange);
    return grant !== undefined && grant !== 'refresh_token';
  },
  describe(exchange, lesson): StepDescription {
    const ok = succeeded(exchange);
    const error = tokenError(exchange);
    const scope = stringMember(exchange.response?.json, 'scope');
    const resource = exchange.requestForm?.get('resource') ?? lesson.resourceMetadata?.resource;
    return {
      step: 'token-request',
      title: 'Token request: the code for tokens',
      spec: ['RFC 6749 §4.1.3', 'RFC 7636 §4.5', 'RFC 8707 §2', error ? 'RFC 6749 §5.2' : 'RFC 6749 §5.1'],
      notes: [
        'code: the one-time code the browser brought back.',
        'code_verifier: the secret behind the code_challenge, known only to the process that started the sign-in (RFC 7636 §4.5).',
        ...resourceNote(exchange),
        clientAuthenticationNote(exchange),
        ...(ok ? tokenResponseNotes(exchange) : []),
        ...(ok && typeof member(exchange.response?.json, 'refresh_token') === 'string'
          ? ['refresh_token (shortened here): kept, so later runs need no browser (RFC 6749 §6).']
          : []),
        ...(error ? [error] : []),
      ],
      ...(ok
        ? {
            whatJustHappened: `Signed in: the AS issued an access token for ${resource ?? 'this MCP server'}${scope ? ` with the scope "${scope}"` : ''}, kept in an owner-only file for the next runs.`,
          }
        : {}),
    };
  },
  learn: tokensIssued,
};

/** RFC 6749 §6: a new access token from the refresh token, without the browser. */
export const tokenRefresh: HttpStep = {
  matches: (exchange) => grantType(exchange) === 'refresh_token',
  describe(exchange): StepDescription {
    const ok = succeeded(exchange);
    const sent = exchange.requestForm?.get('refresh_token');
    const received = member(exchange.response?.json, 'refresh_token');
    const scope = exchange.requestForm?.get('scope');
    const error = tokenError(exchange);
    const rotation =
      typeof received !== 'string'
        ? 'No new refresh_token: the one held stays in use.'
        : received === sent
          ? 'The same refresh_token stays valid.'
          : 'A new refresh_token replaces the one sent, which is now void (rotation, OAuth 2.1 §4.3.1): a stolen copy stops working.';
    return {
      step: 'token-refresh',
      title: 'Refresh: a new access token, no browser',
      spec: ['RFC 6749 §6', 'RFC 8707 §2', error ? 'RFC 6749 §5.2' : 'RFC 6749 §5.1'],
      notes: [
        'refresh_token: the one kept from the last sign-in.',
        ...(scope
          ? [`scope "${scope}": what was held; a refresh can narrow a grant, never widen it (RFC 6749 §6).`]
          : []),
        ...resourceNote(exchange),
        ...(ok ? [...tokenResponseNotes(exchange), rotation] : []),
        ...(error
          ? [
              error,
              'The refresh token no longer works (expired, revoked or reused): the client signs in in the browser.',
            ]
          : []),
      ],
      ...(ok
        ? {
            whatJustHappened:
              'Refreshed: a new access token from the refresh token, with no browser and no password.',
          }
        : {}),
    };
  },
  learn: tokensIssued,
};
