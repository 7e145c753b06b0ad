import type { Lesson } from '../lesson.ts';
import type { StepDescription } from './step.ts';

function scopeTokens(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Where one scope of the authorization request came from (MCP "Scope Selection Strategy"). */
function originOf(scope: string, lesson: Lesson): string {
  const sources = lesson.scopeSources ?? {};
  const from = [
    ...(scopeTokens(sources.challenge).includes(scope) ? ["the server's challenge"] : []),
    ...(scopeTokens(sources.held).includes(scope) ? ['the token held before'] : []),
    ...(scopeTokens(sources.flag).includes(scope) ? ['--scope'] : []),
  ];
  if (from.length > 0) return from.join(' and ');
  if (scope === 'offline_access')
    return 'added because the AS offers it and this client keeps refresh tokens';
  if (lesson.resourceMetadata?.scopesSupported.includes(scope)) return "the metadata's scopes_supported";
  return 'the client metadata';
}

/**
 * The registration behind the `client_id` of an authorization request that no registration
 * request preceded: pre-registered, a Client ID Metadata Document, or kept from before.
 */
export function registrationWithoutRequest(clientId: string, lesson: Lesson): StepDescription {
  if (clientId === lesson.registration.clientId) {
    return {
      step: 'client-registration',
      title: 'Client registration: pre-registered (--client-id)',
      spec: ['MCP authorization: Client Registration Approaches'],
      notes: [
        "--client-id names a client registered at this AS beforehand: pre-registration, the first choice in MCP's order. Nothing is sent to register.",
      ],
    };
  }
  if (clientId === lesson.registration.clientMetadataUrl) {
    return {
      step: 'client-registration',
      title: 'Client registration: Client ID Metadata Document',
      spec: [
        'draft-ietf-oauth-client-id-metadata-document',
        'MCP authorization: Client ID Metadata Documents',
      ],
      notes: [
        "No --client-id, and this AS advertises client_id_metadata_document_supported: the client_id is the URL of your metadata document, the second choice in MCP's order.",
        'Nothing is sent to register: the AS fetches the document from that URL when it sees the client_id.',
      ],
    };
  }
  return {
    step: 'client-registration',
    title: 'Client registration: kept from an earlier sign-in',
    spec: ['RFC 7591 §3', 'MCP authorization: Client Registration Approaches'],
    notes: [
      `client_id ${clientId}: registered with this AS before (dynamically) and kept for it alone; a registration is never offered to another AS.`,
    ],
  };
}

/** RFC 6749 §4.1.1 with PKCE and `resource`: what the browser is sent to. */
export function authorizationRequest(url: URL, lesson: Lesson): StepDescription {
  const params = url.searchParams;
  const scopes = scopeTokens(params.get('scope') ?? undefined);
  const notes = [
    'response_type=code: the authorization code flow (RFC 6749 §4.1.1).',
    "redirect_uri: where the browser brings the answer, this client's loopback listener, open only while this sign-in waits (RFC 8252 §7.3).",
    `code_challenge, method ${params.get('code_challenge_method') ?? '(none)'}: the SHA-256 of a code_verifier that stays in this process until the token request (PKCE, RFC 7636 §4.2).`,
    'state: a one-time value the answer must bring back (RFC 6749 §10.12).',
    scopes.length > 0
      ? `scope: ${scopes.map((scope) => `${scope} ← ${originOf(scope, lesson)}`).join('; ')} (MCP authorization "Scope Selection Strategy").`
      : 'No scope: the AS decides what to grant.',
    params.has('resource')
      ? 'resource: the MCP server the token is for; the AS makes it the token\'s audience (RFC 8707 §2, MCP authorization "Resource Parameter Implementation").'
      : 'No resource parameter: the server published no protected resource metadata.',
    ...(params.get('prompt') === 'consent'
      ? [
          'prompt=consent: asking for offline_access requires the consent screen (OpenID Connect Core 1.0 §11).',
        ]
      : []),
    'The browser opens this URL: you sign in and consent at the AS; the client never sees your password.',
  ];
  return {
    step: 'authorization-request',
    title: 'Authorization request: the browser goes to the authorization server',
    spec: ['RFC 6749 §4.1.1', 'RFC 7636 §4.2', 'RFC 8707 §2', 'MCP authorization: Authorization Flow Steps'],
    notes,
  };
}

/** RFC 9207 §2.4: what the `iss` of an answer says, against the issuer the sign-in started with. */
function issuerNote(iss: string | null, lesson: Lesson): string {
  const expected = lesson.authorizationServer?.issuer;
  if (iss === null) {
    return lesson.authorizationServer?.issParameterSupported
      ? 'No iss, though the AS said it sends one: the client refuses this answer (RFC 9207 §2.4).'
      : 'No iss: this AS does not name itself in its answers (RFC 9207 is optional for it).';
  }
  if (expected && iss !== expected) {
    return `iss ${iss} is not ${expected}, the AS this sign-in started with: the client refuses the answer (RFC 9207 §2.4).`;
  }
  return `iss ${iss}: the AS this sign-in started with, checked before the code is sent anywhere, so a code from another AS (a mix-up attack) is never redeemed (RFC 9207 §2.4).`;
}

/** RFC 6749 §4.1.2: the browser's answer at the loopback redirect URI. */
export function authorizationResponse(
  query: URLSearchParams,
  accepted: boolean,
  lesson: Lesson,
): StepDescription {
  const spec = ['RFC 6749 §4.1.2', 'RFC 9207 §2.4', 'RFC 8252 §7.3'];
  if (!accepted) {
    return {
      step: 'authorization-response',
      title: 'A callback that belongs to no sign-in in progress: refused',
      spec: ['RFC 6749 §10.12'],
      notes: [
        'Its state is not the one this sign-in sent (a stale tab, or a forged request): refused; the listener keeps waiting.',
      ],
    };
  }
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description');
    return {
      step: 'authorization-response',
      title: 'Authorization response: the AS refused',
      spec: ['RFC 6749 §4.1.2.1', 'RFC 9207 §2.4'],
      notes: [
        'state matches the one sent: the answer belongs to this sign-in (RFC 6749 §10.12).',
        issuerNote(query.get('iss'), lesson),
        `error ${error}${description ? ` (${description})` : ''}: no code was issued (RFC 6749 §4.1.2.1).`,
      ],
    };
  }
  return {
    step: 'authorization-response',
    title: 'Authorization response: the browser comes back with a code',
    spec,
    notes: [
      'code (shortened here): one-time and short-lived, and useless without the code_verifier.',
      'state matches the one sent: the answer belongs to this sign-in (RFC 6749 §10.12).',
      issuerNote(query.get('iss'), lesson),
    ],
    whatJustHappened:
      'You signed in and consented at the authorization server, not in this program; the browser carried back only a one-time code, to a listener on 127.0.0.1.',
  };
}
