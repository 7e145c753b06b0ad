import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { reachesProviderRoute } from './provider-route-spelling.ts';

/**
 * Who may call an endpoint from a web page on another origin (Fetch standard, CORS):
 * - `public`: any origin, no credentials; documents and registration anyone may use anyway;
 * - `client`: the preflight is open, the answer is readable only by an origin the client's own
 *   redirect URIs name (`allowedClientOrigin`, checked by oidc-provider once it knows the client);
 * - `none`: never from a browser. Introspection is for resource servers (RFC 7662 §2.1), which
 *   call it from their own process; a page calling it would be holding a resource server's
 *   credentials.
 * Everything else — the authorization endpoint, the sign-in, consent and account pages — is a
 * top-level navigation and gets no CORS headers at all.
 */
type CrossOriginPolicy = 'public' | 'client' | 'none';

interface CrossOriginEndpoint {
  /** oidc-provider's route name, for its path (`pathFor`), or a fixed path. */
  readonly route: string;
  readonly path?: string;
  readonly policy: CrossOriginPolicy;
  /** Methods a cross-origin page may use. */
  readonly methods: string;
  /** Request headers a page may send beyond the CORS-safelisted ones. */
  readonly requestHeaders: string;
  /**
   * Response headers a page may read beyond the CORS-safelisted ones (`public` endpoints; for
   * `client` ones oidc-provider exposes `WWW-Authenticate`, and `DPoP-Nonce` when it issues them).
   */
  readonly exposedHeaders?: string;
}

/** MCP clients send their protocol version on discovery requests (MCP authorization, "Discovery"). */
const METADATA_REQUEST_HEADERS = 'MCP-Protocol-Version';
/** RFC 6749 §2.3.1 Basic client authentication, form or JSON bodies, RFC 9449 DPoP proofs. */
const CLIENT_REQUEST_HEADERS = 'Authorization, Content-Type, DPoP';

/**
 * The endpoints a browser-based MCP client calls (MCP authorization: metadata discovery,
 * RFC 7591 registration, the token endpoint, RFC 7009 revocation; JWKS for RFC 9068 tokens),
 * and introspection, which it must not.
 */
const ENDPOINTS: readonly CrossOriginEndpoint[] = [
  {
    route: 'discovery',
    path: '/.well-known/oauth-authorization-server',
    policy: 'public',
    methods: 'GET, HEAD',
    requestHeaders: METADATA_REQUEST_HEADERS,
  },
  {
    route: 'discovery',
    path: '/.well-known/openid-configuration',
    policy: 'public',
    methods: 'GET, HEAD',
    requestHeaders: METADATA_REQUEST_HEADERS,
  },
  { route: 'jwks', policy: 'public', methods: 'GET, HEAD', requestHeaders: METADATA_REQUEST_HEADERS },
  {
    route: 'registration',
    policy: 'public',
    methods: 'POST',
    requestHeaders: 'Content-Type',
    // RFC 7591 registration may be refused for a while (rate limit, bound): say for how long.
    exposedHeaders: 'Retry-After',
  },
  {
    route: 'token',
    policy: 'client',
    methods: 'POST',
    requestHeaders: CLIENT_REQUEST_HEADERS,
  },
  {
    route: 'revocation',
    policy: 'client',
    methods: 'POST',
    requestHeaders: CLIENT_REQUEST_HEADERS,
  },
  { route: 'introspection', policy: 'none', methods: 'POST', requestHeaders: '' },
];

/** Preflight answers may be cached this long (seconds). */
const PREFLIGHT_MAX_AGE = '3600';

/**
 * Answers CORS for the table above, in front of oidc-provider's router, matching paths with its
 * spelling rules so a preflight reaches exactly what the request after it will. Preflights are
 * answered here, cheap and anonymous: no client lookup, no storage, no body read. For `public`
 * endpoints the headers are set before oidc-provider runs, which then leaves them be (its own
 * CORS middleware steps aside when they are present); `client` endpoints keep oidc-provider's
 * per-client check on the real request.
 */
export function answerCrossOriginRequests(provider: Provider): void {
  const endpoints = ENDPOINTS.map((endpoint) => ({
    ...endpoint,
    path: endpoint.path ?? provider.pathFor(endpoint.route),
  }));
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    const endpoint = endpoints.find((candidate) => reachesProviderRoute(ctx.path, candidate.path));
    if (!endpoint) return next();
    const origin = ctx.get('origin');
    if (ctx.method === 'OPTIONS') return answerPreflight(ctx, endpoint, origin);
    if (endpoint.policy === 'public' && origin) {
      ctx.set('access-control-allow-origin', '*');
      if (endpoint.exposedHeaders) ctx.set('access-control-expose-headers', endpoint.exposedHeaders);
    }
    return next();
  });
}

function answerPreflight(ctx: KoaContextWithOIDC, endpoint: CrossOriginEndpoint, origin: string): void {
  ctx.set('cache-control', 'no-store');
  if (endpoint.policy === 'none') {
    ctx.status = 403;
    ctx.body = {
      error: 'invalid_request',
      error_description:
        'introspection is for resource servers, not web pages (RFC 7662 §2.1): call it from your server',
    };
    return;
  }
  ctx.status = 204;
  ctx.set('allow', `OPTIONS, ${endpoint.methods}`);
  if (!origin) return;
  if (endpoint.policy === 'public') {
    ctx.set('access-control-allow-origin', '*');
  } else {
    ctx.vary('Origin');
    ctx.set('access-control-allow-origin', origin);
  }
  ctx.set('access-control-allow-methods', endpoint.methods);
  if (endpoint.requestHeaders) ctx.set('access-control-allow-headers', endpoint.requestHeaders);
  ctx.set('access-control-max-age', PREFLIGHT_MAX_AGE);
}

/**
 * oidc-provider's `clientBasedCORS`: may `origin` read the answer to this client's request?
 * Only a public client's own origin (one of its redirect URIs'; OAuth 2.1 §2.1: a client running
 * in a browser cannot keep a secret, so it is registered with `token_endpoint_auth_method: none`),
 * and never at introspection.
 */
export function allowedClientOrigin(
  ctx: KoaContextWithOIDC,
  origin: string,
  client: {
    readonly clientAuthMethod?: string | undefined;
    readonly redirectUris?: readonly string[] | undefined;
  },
): boolean {
  if (ctx.oidc.route === 'introspection' || origin === 'null') return false;
  if (client.clientAuthMethod !== 'none') return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}
