import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CookieJar } from './cookie-jar.ts';
import { createPkcePair } from './pkce.ts';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  [key: string]: unknown;
}

/** RFC 7591 dynamic registration of a public native client, as MCP CLIs do. */
export async function registerPublicClient(
  issuer: string,
  metadata: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const response = await fetch(`${issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Test CLI',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1:3030/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...metadata,
    }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as RegisteredClient;
}

export interface AuthorizationOutcome {
  /** The final redirect to the client, parsed. */
  readonly redirect: URL;
  readonly verifier: string;
  readonly state: string;
  readonly redirectUri: string;
  /** The pages the flow went through, in order ('login', 'consent'). */
  readonly pages: Array<'login' | 'consent'>;
}

export interface AuthorizeOptions {
  readonly clientId: string;
  readonly redirectUri?: string;
  readonly scope?: string;
  readonly resource?: string;
  readonly username: string;
  readonly password: string;
  /** What to press on the consent page. */
  readonly consent?: 'approve' | 'deny';
  readonly jar?: CookieJar;
  readonly extraParams?: Record<string, string>;
  /** Called with each page's HTML as the flow meets it, for tests of what a person sees. */
  readonly onPage?: (kind: 'login' | 'consent', html: string) => void;
}

/**
 * Drives the authorization code flow the way a browser would (MCP authorization, OAuth 2.1
 * §4.1): GET /auth, follow redirects, post the sign-in form, post the consent form, stop at the
 * redirect to the client, which is returned unfollowed.
 */
export async function authorize(issuer: string, options: AuthorizeOptions): Promise<AuthorizationOutcome> {
  const jar = options.jar ?? new CookieJar();
  const { verifier, challenge } = createPkcePair();
  const state = randomBytes(12).toString('base64url');
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1:3030/callback';
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    ...(options.scope ? { scope: options.scope } : {}),
    ...(options.resource ? { resource: options.resource } : {}),
    ...options.extraParams,
  }).toString();

  const pages: Array<'login' | 'consent'> = [];
  let response = await follow(jar, url.href, redirectUri);
  for (let step = 0; step < 6; step++) {
    const location = response.headers.get('location');
    if (location?.startsWith(redirectUri)) {
      return { redirect: new URL(location), verifier, state, redirectUri, pages };
    }
    assert.equal(response.status, 200, `expected a page, got ${response.status}`);
    const page = await response.text();
    const action = formAction(page, /\/(login|confirm)$/);
    const csrf = hiddenValue(page, 'csrf');
    const kind = action.endsWith('/login') ? 'login' : 'consent';
    pages.push(kind);
    options.onPage?.(kind, page);
    if (action.endsWith('/login')) {
      response = await postForm(jar, new URL(action, issuer).href, {
        csrf,
        username: options.username,
        password: options.password,
      });
    } else {
      const target = options.consent === 'deny' ? formAction(page, /\/abort$/) : action;
      response = await postForm(jar, new URL(target, issuer).href, { csrf });
    }
    response = await followRedirects(jar, response, issuer, redirectUri);
  }
  throw new Error('the flow did not reach the redirect URI');
}

async function follow(jar: CookieJar, url: string, redirectUri: string): Promise<Response> {
  const response = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
  jar.store(response);
  return followRedirects(jar, response, url, redirectUri);
}

async function followRedirects(jar: CookieJar, first: Response, base: string, redirectUri: string) {
  let response = first;
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get('location');
    if (!location || location.startsWith(redirectUri) || response.status < 300 || response.status > 399) {
      return response;
    }
    const next = new URL(location, base).href;
    response = await fetch(next, { headers: { cookie: jar.header() }, redirect: 'manual' });
    jar.store(response);
  }
  throw new Error('too many redirects');
}

export async function postForm(
  jar: CookieJar,
  url: string,
  fields: Record<string, string>,
): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
      origin: new URL(url).origin,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  jar.store(response);
  return response;
}

export function formAction(page: string, pattern: RegExp): string {
  for (const match of page.matchAll(/<form[^>]*action="([^"]+)"/g)) {
    const action = decodeEntities(match[1] ?? '');
    if (pattern.test(action)) return action;
  }
  throw new Error(`no form whose action matches ${pattern} in:\n${page.slice(0, 2000)}`);
}

export function hiddenValue(page: string, name: string): string {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no hidden input ${name}`);
  return decodeEntities(match[1] ?? '');
}

function decodeEntities(value: string): string {
  return value
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5) and RFC 8707 `resource`. */
export async function redeemCode(
  issuer: string,
  params: { clientId: string; code: string; verifier: string; redirectUri: string; resource?: string },
): Promise<Response> {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: params.clientId,
      code: params.code,
      code_verifier: params.verifier,
      redirect_uri: params.redirectUri,
      ...(params.resource ? { resource: params.resource } : {}),
    }),
  });
}

export async function refresh(issuer: string, clientId: string, refreshToken: string): Promise<Response> {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: refreshToken,
    }),
  });
}

export function basicAuth(clientId: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode both parts before base64.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export async function introspect(issuer: string, token: string, authorization?: string): Promise<Response> {
  return fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams({ token }),
  });
}
