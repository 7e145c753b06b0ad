import { buildDiscoveryUrls } from '@modelcontextprotocol/client';
import type { ObservedExchange } from '../exchange.ts';
import { authorizationServerOf, type Lesson, resourceMetadataOf } from '../lesson.ts';
import { type HttpStep, succeeded } from './step.ts';

const PROTECTED_RESOURCE = '/.well-known/oauth-protected-resource';

function isGet(exchange: ObservedExchange): boolean {
  return exchange.method === 'GET';
}

/** Why the client asked this URL for protected resource metadata (MCP's order, RFC 9728). */
function whyThisResourceMetadataUrl(exchange: ObservedExchange, lesson: Lesson): string {
  if (lesson.challenge?.resourceMetadataUrl === exchange.url.href) {
    return 'This is the URL the challenge named in resource_metadata (RFC 9728 §5.1): MCP clients use it when there is one.';
  }
  const serverPath = lesson.serverUrl.pathname.replace(/\/$/, '');
  if (serverPath && exchange.url.pathname === `${PROTECTED_RESOURCE}${serverPath}`) {
    return "No challenge named a URL: the well-known URL with the MCP endpoint's path inserted (RFC 9728 §3.1), the first place MCP says to look.";
  }
  if (exchange.url.pathname === PROTECTED_RESOURCE) {
    return 'The well-known URL at the root of the server: where MCP says to look when the first place has nothing.';
  }
  return 'A protected resource metadata URL.';
}

/** RFC 9728 §3: the MCP server says which authorization server guards it. */
export const protectedResourceMetadata: HttpStep = {
  matches: (exchange, lesson) =>
    isGet(exchange) &&
    (exchange.url.pathname.startsWith(PROTECTED_RESOURCE) ||
      exchange.url.href === lesson.challenge?.resourceMetadataUrl),
  describe(exchange, lesson) {
    const notes = [whyThisResourceMetadataUrl(exchange, lesson)];
    const status = exchange.response?.status;
    if (succeeded(exchange)) {
      const metadata = resourceMetadataOf(exchange.response?.json);
      const [first] = metadata.authorizationServers;
      if (metadata.resource) {
        notes.push(
          `resource ${metadata.resource}: this MCP server's identifier; tokens are asked for it (RFC 8707 resource) and must name it as their audience.`,
        );
      }
      if (first) {
        notes.push(
          `authorization_servers ${metadata.authorizationServers.join(', ')}: the AS that issues tokens for this server; the client uses ${first}, the first (RFC 9728 §7.6).`,
        );
      }
      if (metadata.scopesSupported.length > 0) {
        notes.push(`scopes_supported ${metadata.scopesSupported.join(' ')}: the scopes this server knows.`);
      }
    } else if (status === 404) {
      notes.push(
        exchange.url.pathname === PROTECTED_RESOURCE
          ? 'Not here (404) either: the client takes the server’s origin as the authorization server.'
          : 'Not here (404): next, the root well-known URL.',
      );
    }
    return {
      step: 'protected-resource-metadata',
      title: 'Protected resource metadata: who guards this MCP server',
      spec: [
        'RFC 9728 §3',
        lesson.challenge?.resourceMetadataUrl === exchange.url.href ? 'RFC 9728 §5.1' : 'RFC 9728 §3.1',
        'MCP authorization: Authorization Server Location',
      ],
      notes,
    };
  },
  learn(exchange, lesson) {
    if (succeeded(exchange)) lesson.resourceMetadata = resourceMetadataOf(exchange.response?.json);
  },
};

function isOpenIdConfiguration(url: URL): boolean {
  return url.pathname.includes('/.well-known/openid-configuration');
}

/** Which of MCP's discovery URLs this is, for the issuer discovery started from, and why in that order. */
function discoveryOrder(exchange: ObservedExchange, lesson: Lesson): { notes: string[]; last: boolean } {
  const issuer = lesson.resourceMetadata?.authorizationServers[0] ?? `${lesson.serverUrl.origin}/`;
  const candidates = buildDiscoveryUrls(issuer);
  const index = candidates.findIndex((candidate) => candidate.url.href === exchange.url.href);
  if (index < 0) return { notes: [], last: true };
  const order =
    candidates.length === 2
      ? 'for an issuer without a path, RFC 8414 first, then OpenID Connect Discovery'
      : 'for an issuer with a path, RFC 8414 with the path inserted, then OpenID Connect Discovery with it inserted, then with it appended';
  return {
    notes: [
      `URL ${index + 1} of ${candidates.length} for the issuer ${issuer}: MCP clients try both kinds of metadata, ${order} (MCP authorization "Authorization Server Metadata Discovery").`,
    ],
    last: index === candidates.length - 1,
  };
}

/** RFC 8414 §3 / OpenID Connect Discovery 1.0 §4: the AS describes its endpoints and abilities. */
export const authorizationServerMetadata: HttpStep = {
  matches: (exchange) =>
    isGet(exchange) &&
    (exchange.url.pathname.startsWith('/.well-known/oauth-authorization-server') ||
      isOpenIdConfiguration(exchange.url)),
  describe(exchange, lesson) {
    const openId = isOpenIdConfiguration(exchange.url);
    const order = discoveryOrder(exchange, lesson);
    const notes = [...order.notes];
    let whatJustHappened: string | undefined;
    if (succeeded(exchange)) {
      const as = authorizationServerOf(exchange.response?.json);
      notes.push(
        `issuer ${as.issuer ?? '(none)'}: must be the URL discovery started from, or the metadata is refused (RFC 8414 §3.3).`,
        `authorization_endpoint ${as.authorizationEndpoint ?? '(none)'}, token_endpoint ${as.tokenEndpoint ?? '(none)'}.`,
        as.codeChallengeMethods.includes('S256')
          ? 'code_challenge_methods_supported includes S256: PKCE with SHA-256, which MCP requires.'
          : 'code_challenge_methods_supported does not list S256: MCP requires PKCE with S256.',
      );
      if (as.registrationEndpoint) {
        notes.push(
          `registration_endpoint ${as.registrationEndpoint}: dynamic client registration is open (RFC 7591).`,
        );
      }
      if (as.clientIdMetadataDocumentSupported) {
        notes.push('client_id_metadata_document_supported: true, Client ID Metadata Documents are accepted.');
      }
      if (as.issParameterSupported) {
        notes.push(
          'authorization_response_iss_parameter_supported: true, the answer in the browser will name the AS (RFC 9207).',
        );
      }
      whatJustHappened = `From the MCP server's URL alone, the client found the authorization server that guards it (${as.issuer ?? 'unnamed'}) and its endpoints: nothing was configured by hand.`;
    } else if (exchange.response) {
      notes.push(
        order.last
          ? `Not here (${exchange.response.status}), and no URL is left to try.`
          : `Not here (${exchange.response.status}): the next URL in that order follows.`,
      );
    }
    return {
      step: 'authorization-server-metadata',
      title: openId
        ? 'Authorization server metadata (OpenID Connect Discovery)'
        : 'Authorization server metadata (RFC 8414)',
      spec: [
        ...(openId ? ['OpenID Connect Discovery 1.0 §4', 'RFC 8414 §5'] : ['RFC 8414 §3']),
        'MCP authorization: Authorization Server Metadata Discovery',
      ],
      notes,
      ...(whatJustHappened ? { whatJustHappened } : {}),
    };
  },
  learn(exchange, lesson) {
    if (succeeded(exchange)) lesson.authorizationServer = authorizationServerOf(exchange.response?.json);
  },
};
