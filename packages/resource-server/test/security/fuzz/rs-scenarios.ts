import type { HeaderList } from '@mcp-auth/test-support/fuzz/hostile-headers';
import { contentTypes, junkText, jwtLike } from '@mcp-auth/test-support/fuzz/hostile-values';
import { type DraftBody, type Ref, ref, type Text } from '@mcp-auth/test-support/fuzz/request-draft';
import type { Scenario } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import fc from 'fast-check';
import {
  initializeParameters,
  jsonRpcIds,
  LEGACY_VERSIONS,
  legacyMessage,
  MODERN_VERSION,
  modernExchange,
} from './rs-messages.ts';

/**
 * The MCP server's endpoints as fuzz scenarios (MCP "Transports" and "Authorization"): the
 * 2026-07-28 stateless POST, 2025-era sessions (initialize, messages, the GET stream, DELETE),
 * the deprecated HTTP+SSE transport, RFC 9728 metadata, health and unknown paths. Valid
 * credentials are refs into the pools of rs-credentials.ts.
 */
export interface ResourceServerSite {
  readonly mcpPath: string;
}

const pick = fc.nat();
const refTo = (name: string): fc.Arbitrary<Ref> => pick.map((index) => ref(name, index));
const json = (value: fc.Arbitrary<unknown>) =>
  value.map((item): DraftBody => ({ kind: 'json', value: item }));

/**
 * The Authorization header: the valid bearer token of `pool` (authenticated), or one that must
 * be refused: none, another resource's, a revoked one, made-up ones.
 */
function bearer(authenticated: boolean, pool = 'token'): fc.Arbitrary<HeaderList> {
  if (authenticated) return refTo(`${pool}.bearer`).map((value): HeaderList => [['Authorization', value]]);
  return fc.oneof(
    fc.constant<HeaderList>([]),
    refTo('refused.bearer').map((value): HeaderList => [['Authorization', value]]),
    fc
      .oneof(
        fc.base64String({ minLength: 44, maxLength: 44 }),
        jwtLike,
        fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,80}$/),
      )
      .map((token): HeaderList => [['Authorization', `Bearer ${token.replaceAll('=', '')}`]]),
  );
}

/** The version a 2025-era client names after initialize (MCP "Protocol Version Header"), or odd ones. */
const legacyVersionHeader: fc.Arbitrary<HeaderList> = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom<string | undefined>(...LEGACY_VERSIONS, undefined) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(MODERN_VERSION), junkText) },
  )
  .map((version): HeaderList => (version === undefined ? [] : [['MCP-Protocol-Version', version]]));

/**
 * A session id with the headers that go with it: the session's owner (authenticated), or for the
 * others a made-up session, or a real session with another person's valid token (a hijack).
 */
function sessionHeaders(authenticated: boolean, pool: 'session' | 'sseSession') {
  if (authenticated) {
    return pick.map((index) => ({
      id: ref(`${pool}.id`, index) as Text,
      auth: [['Authorization', ref(`${pool}.bearer`, index)]] as HeaderList,
    }));
  }
  return fc.oneof(
    fc.tuple(fc.oneof(fc.uuid(), junkText), bearer(false)).map(([id, auth]) => ({ id: id as Text, auth })),
    fc.tuple(refTo(`${pool}.id`), refTo('intruder.bearer')).map(([id, intruder]) => ({
      id: id as Text,
      auth: [['Authorization', intruder]] as HeaderList,
    })),
  );
}

export function resourceServerScenarios(authenticated: boolean, site: ResourceServerSite): Scenario[] {
  const mcp = site.mcpPath;
  const accept: HeaderList = [['Accept', 'application/json, text/event-stream']];
  return [
    {
      name: 'mcp POST 2026-07-28 (stateless)',
      weight: 6,
      method: fc.constant('POST'),
      path: fc.constant(mcp),
      contentType: contentTypes.json,
      together: fc.tuple(modernExchange, bearer(authenticated)).map(([exchange, auth]) => ({
        headers: [...accept, ...auth, ...exchange.headers],
        body: exchange.body,
      })),
    },
    {
      name: 'mcp POST 2025 initialize',
      method: fc.constant('POST'),
      path: fc.constant(mcp),
      contentType: contentTypes.json,
      headers: bearer(authenticated).map((auth): HeaderList => [...accept, ...auth]),
      body: json(
        initializeParameters.chain((params) =>
          jsonRpcIds.map((id) => ({ jsonrpc: '2.0', id, method: 'initialize', params })),
        ),
      ),
    },
    {
      name: authenticated ? 'mcp POST 2025 session' : 'mcp POST 2025 session (not the owner)',
      weight: 4,
      method: fc.constant('POST'),
      path: fc.constant(mcp),
      contentType: contentTypes.json,
      together: fc
        .tuple(sessionHeaders(authenticated, 'session'), legacyVersionHeader, legacyMessage)
        .map(([session, version, message]) => ({
          headers: [...accept, ...session.auth, ['Mcp-Session-Id', session.id] as const, ...version],
          body: { kind: 'json', value: message } as DraftBody,
        })),
    },
    {
      name: authenticated ? 'mcp GET 2025 stream' : 'mcp GET 2025 stream (not the owner)',
      method: fc.constant('GET'),
      path: fc.constant(mcp),
      together: fc
        .tuple(
          sessionHeaders(authenticated, 'session'),
          legacyVersionHeader,
          fc.option(junkText, { nil: undefined }),
        )
        .map(([session, version, lastEventId]) => ({
          headers: [
            ['Accept', 'text/event-stream'] as const,
            ...session.auth,
            ['Mcp-Session-Id', session.id] as const,
            ...version,
            ...(lastEventId === undefined ? [] : ([['Last-Event-Id', lastEventId]] as const)),
          ],
        })),
    },
    {
      name: authenticated ? 'mcp DELETE 2025 session' : 'mcp DELETE 2025 session (not the owner)',
      weight: 1,
      method: fc.constant('DELETE'),
      path: fc.constant(mcp),
      together: fc
        .tuple(sessionHeaders(authenticated, 'session'), legacyVersionHeader)
        .map(([session, version]) => ({
          headers: [...session.auth, ['Mcp-Session-Id', session.id] as const, ...version],
        })),
    },
    {
      name: 'deprecated SSE stream',
      method: fc.constant('GET'),
      path: fc.constant(`${mcp}/sse`),
      headers: bearer(authenticated).map((auth): HeaderList => [['Accept', 'text/event-stream'], ...auth]),
    },
    {
      name: authenticated ? 'deprecated SSE message' : 'deprecated SSE message (not the owner)',
      weight: 4,
      method: fc.constant('POST'),
      path: fc.constant(`${mcp}/messages`),
      contentType: contentTypes.json,
      together: fc
        .tuple(sessionHeaders(authenticated, 'sseSession'), legacyMessage)
        .map(([session, message]) => ({
          query: [['sessionId', session.id] as const],
          headers: session.auth,
          body: { kind: 'json', value: message } as DraftBody,
        })),
    },
    {
      name: 'protected resource metadata',
      method: fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST'),
      path: fc.constantFrom(
        `/.well-known/oauth-protected-resource${mcp}`,
        '/.well-known/oauth-protected-resource',
      ),
      headers: fc.constantFrom<HeaderList>(
        [],
        [
          ['Origin', 'https://any.example'],
          ['Access-Control-Request-Method', 'GET'],
        ],
      ),
    },
    {
      name: 'CORS preflight',
      method: fc.constant('OPTIONS'),
      path: fc.constantFrom(mcp, `${mcp}/sse`, `${mcp}/messages`),
      headers: fc
        .tuple(
          fc.constantFrom('http://localhost:1', 'https://evil.example', 'null'),
          fc.constantFrom('POST', 'GET', 'DELETE', 'PUT'),
        )
        .map(
          ([origin, method]): HeaderList => [
            ['Origin', origin],
            ['Access-Control-Request-Method', method],
            ['Access-Control-Request-Headers', 'authorization, content-type, mcp-session-id'],
          ],
        ),
    },
    { name: 'health', method: fc.constantFrom('GET', 'HEAD'), path: fc.constant('/healthz') },
    {
      name: 'unknown path',
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      path: fc.oneof(
        fc.constantFrom(
          '/',
          '/mcp2',
          `${mcp}/extra`,
          `${mcp}/sse/x`,
          '/sse',
          '/messages',
          '/.well-known/oauth-authorization-server',
          '/favicon.ico',
        ),
        junkText.map((segment) => `/${encodeURIComponent(segment.replace(/[\ud800-\udfff]/g, ''))}`),
      ),
      headers: bearer(authenticated),
    },
  ];
}
