import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import type { Exchange, Response } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import type { RawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { CredentialPools } from '@mcp-auth/test-support/fuzz/request-draft';
import {
  authorize,
  basicAuth,
  hiddenValue,
  redeemCode,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { DEMO_RESOURCE, type TokenSet } from '../../support/signed-in-client.ts';

/** A redirect URI no client ever registers: no answer may send a browser there. */
/** Sign-ins made up front: half give a code, half a refresh token. */
const SINGLE_USE_SIGN_INS = 40;

export const ATTACKER_REDIRECT_URI = 'https://evil.example/callback';
export const ATTACKER_ORIGIN = new URL(ATTACKER_REDIRECT_URI).origin;
/** A pre-registered web app's redirect URI (https, not loopback: remembered consent applies). */
export const WEB_APP_REDIRECT_URI = 'https://app.example/callback';

/** RFC 7636 §4.1-4.2: one known verifier, so codes issued to fuzzed requests can be redeemed. */
const FIXED_VERIFIER = 'fuzz-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
export const FIXED_PKCE = {
  verifier: FIXED_VERIFIER,
  challenge: createHash('sha256').update(FIXED_VERIFIER).digest('base64url'),
} as const;

/** Pool fields whose values must never come back in a response body. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'client_secret']);

export interface AuthorizationServerUnderTest {
  readonly issuer: string;
  readonly devIntrospectionCredentials?: { client_id: string; client_secret: string } | undefined;
  registerClient(input: {
    name: string;
    grantTypes?: string[];
    scope?: string;
    authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
    redirectUris?: string[];
  }): Promise<{ client_id: string; client_secret?: string }>;
}

export interface Person {
  readonly username: string;
  readonly password: string;
}

/**
 * Valid credentials of every kind, obtained through the real flows: public clients (RFC 7591),
 * a signed-in browser session, authorization codes, access and refresh tokens, confidential
 * clients (pre-registered), the resource server's introspection credential, and live
 * sign-in interactions with their cookies and CSRF tokens.
 */
export async function credentialPoolsFor(
  server: AuthorizationServerUnderTest,
  person: Person,
  resource: string = DEMO_RESOURCE,
  authorizationPath = '/auth',
): Promise<CredentialPools> {
  const pools = new CredentialPools();
  pools.singleUse('code');
  pools.singleUse('refreshToken');
  const { issuer } = server;

  for (let index = 0; index < 2; index++) {
    const client = await registerPublicClient(issuer);
    pools.add('public', { client_id: client.client_id, redirect_uri: client.redirect_uris[0] ?? '' });
  }

  // One browser that signs in once. Loopback clients see the consent page every time (RFC 8252
  // §8.6); a web app with an https redirect URI is sent its code at once after the first consent.
  const jar = new CookieJar();
  const browserClient = await registerPublicClient(issuer);
  await authorize(issuer, {
    clientId: browserClient.client_id,
    scope: 'user',
    resource,
    username: person.username,
    password: person.password,
    jar,
  });
  pools.add('public', { client_id: browserClient.client_id, redirect_uri: 'http://127.0.0.1:3030/callback' });
  const webApp = await server.registerClient({
    name: 'Fuzz web app',
    authMethod: 'none',
    redirectUris: [WEB_APP_REDIRECT_URI],
  });
  // Codes and refresh tokens are single-use, and a mangled request (a wrong charset, a lying
  // length) spends one without reaching the grant: enough of each that some request with valid
  // credentials gets through whatever the seed.
  for (let index = 0; index < SINGLE_USE_SIGN_INS; index++) {
    // A grant is revoked whole when one of its codes is replayed or one of its refresh tokens is
    // revoked or reused (RFC 6819 §5.2.2.3), and one client's sign-ins share a grant: each sign-in
    // gets a web app of its own, so spending one credential leaves the others usable.
    const app = await server.registerClient({
      name: `Fuzz web app ${index}`,
      authMethod: 'none',
      redirectUris: [WEB_APP_REDIRECT_URI],
    });
    const outcome = await authorize(issuer, {
      clientId: app.client_id,
      redirectUri: WEB_APP_REDIRECT_URI,
      scope: 'user',
      resource,
      username: person.username,
      password: person.password,
      jar,
    });
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `no code in ${outcome.redirect.href}`);
    if (index % 2 === 0) {
      pools.add('code', {
        code,
        verifier: outcome.verifier,
        client_id: app.client_id,
        redirect_uri: WEB_APP_REDIRECT_URI,
      });
      continue;
    }
    const response = await redeemCode(issuer, { clientId: app.client_id, code, ...outcome });
    assert.equal(response.status, 200, await response.clone().text());
    const tokens = (await response.json()) as TokenSet;
    pools.add('accessToken', { token: tokens.access_token, client_id: app.client_id });
    pools.add('refreshToken', { token: tokens.refresh_token, client_id: app.client_id });
  }
  pools.add('session', {
    cookie: jar.header(),
    client_id: webApp.client_id,
    redirect_uri: WEB_APP_REDIRECT_URI,
  });

  const confidential = await server.registerClient({
    name: 'Fuzz job',
    grantTypes: ['client_credentials'],
    scope: 'user',
  });
  const secret = confidential.client_secret ?? '';
  pools.add('confidential', {
    client_id: confidential.client_id,
    client_secret: secret,
    basic: basicAuth(confidential.client_id, secret),
    wrong_basic: basicAuth(confidential.client_id, `${secret}x`),
  });
  const postClient = await server.registerClient({
    name: 'Fuzz job (client_secret_post)',
    grantTypes: ['client_credentials'],
    scope: 'user',
    authMethod: 'client_secret_post',
  });
  pools.add('postClient', { client_id: postClient.client_id, client_secret: postClient.client_secret ?? '' });
  for (let index = 0; index < 2; index++) {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(confidential.client_id, secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'user', resource }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    pools.add('machineToken', { token: ((await response.json()) as TokenSet).access_token });
  }

  const rs = server.devIntrospectionCredentials;
  assert.ok(rs, 'a loopback AS has a development introspection credential');
  pools.add('resourceServer', {
    client_id: rs.client_id,
    client_secret: rs.client_secret,
    basic: basicAuth(rs.client_id, rs.client_secret),
    wrong_basic: basicAuth(rs.client_id, `${rs.client_secret}x`),
  });

  const interactionClient = pools.resolve({ ref: 'public.client_id', pick: 0 });
  for (let index = 0; index < 24; index++) {
    pools.add('interaction', await startInteraction(issuer, interactionClient, resource, authorizationPath));
  }
  return pools;
}

/** A sign-in page as a browser holds it: its uid, path, cookies and the form's CSRF token. */
async function startInteraction(
  issuer: string,
  clientId: string,
  resource: string,
  authorizationPath: string,
): Promise<Record<string, string>> {
  const jar = new CookieJar();
  const url = new URL(`${issuer}${authorizationPath}`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:3030/callback',
    code_challenge: FIXED_PKCE.challenge,
    code_challenge_method: 'S256',
    scope: 'user',
    resource,
  }).toString();
  const start = await fetch(url, { redirect: 'manual' });
  jar.store(start);
  const location = start.headers.get('location') ?? '';
  const uid = /\/interaction\/([A-Za-z0-9_-]+)/.exec(location)?.[1];
  assert.ok(uid, `no interaction in ${start.status} ${location}`);
  const page = await fetch(new URL(location, issuer), { headers: { cookie: jar.header() } });
  jar.store(page);
  const csrf = hiddenValue(await page.text(), 'csrf');
  return { uid, path: `/interaction/${uid}`, cookie: jar.header(), csrf };
}

/**
 * What a real client and browser would keep from an answer: rotated tokens (RFC 6749 §6, OAuth
 * 2.1 §4.3.1), authorization codes for requests made with the known PKCE challenge, and new
 * sign-in pages (with their cookies and CSRF token, read from the page as a browser would).
 * Later requests use them, so the fuzzer keeps reaching the code behind authentication as
 * single-use values are used up.
 */
export function learnFromAnswer(pools: CredentialPools, issuer: string) {
  return async ({ request }: Exchange, response: Response): Promise<void> => {
    const [path = '', query = ''] = request.target.split('?');
    if (path === '/token' && response.status === 200) learnTokens(pools, request, response);
    const location = response.headers.get('location')?.[0];
    if (!location) return;
    const redirect = URL.parse(location);
    const code = redirect?.searchParams.get('code');
    if (code) learnCode(pools, code, location, new URLSearchParams(query));
    const uid = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(location)?.[1];
    if (uid) await learnInteraction(pools, issuer, uid, request, response);
  };
}

function learnTokens(pools: CredentialPools, request: RawRequest, response: Response): void {
  const form = new URLSearchParams(Buffer.from(request.body).toString('utf8'));
  const answer = parseJson(response.body);
  const clientId = form.get('client_id');
  if (typeof answer?.access_token === 'string' && typeof answer.refresh_token === 'string' && clientId) {
    pools.add('accessToken', { token: answer.access_token, client_id: clientId });
    pools.add('refreshToken', { token: answer.refresh_token, client_id: clientId });
  } else if (typeof answer?.access_token === 'string') {
    pools.add('machineToken', { token: answer.access_token });
  }
}

function learnCode(
  pools: CredentialPools,
  code: string,
  location: string,
  parameters: URLSearchParams,
): void {
  const clientId = parameters.get('client_id');
  const redirectUri = parameters.get('redirect_uri') ?? '';
  if (!clientId || !redirectUri || !location.startsWith(redirectUri)) return;
  if (parameters.get('code_challenge') !== FIXED_PKCE.challenge) return;
  pools.add('code', { code, verifier: FIXED_PKCE.verifier, client_id: clientId, redirect_uri: redirectUri });
}

/** Visible ASCII without separators a cookie name or value may not hold (RFC 6265 §4.1.1). */
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

async function learnInteraction(
  pools: CredentialPools,
  issuer: string,
  uid: string,
  request: RawRequest,
  response: Response,
): Promise<void> {
  const cookies = new Map<string, string>();
  for (const [name, value] of request.headers) {
    if (name.toLowerCase() !== 'cookie') continue;
    for (const pair of value.split(';')) {
      const [cookieName = '', ...rest] = pair.trim().split('=');
      // Only the cookies a browser could hold (RFC 6265 §4.1.1): the fuzzed request may carry any
      // text, which the harness's own follow-up request could not even send.
      const value = rest.join('=');
      if (cookieName && COOKIE_OCTETS.test(cookieName) && COOKIE_OCTETS.test(value)) {
        cookies.set(cookieName, value);
      }
    }
  }
  for (const line of response.headers.get('set-cookie') ?? []) {
    const [pair = ''] = line.split(';');
    const [cookieName = '', ...rest] = pair.trim().split('=');
    const value = rest.join('=');
    if (value) cookies.set(cookieName, value);
    else cookies.delete(cookieName);
  }
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const page = await fetch(`${issuer}/interaction/${uid}`, { headers: { cookie } });
  if (page.status !== 200) {
    await page.arrayBuffer();
    return;
  }
  const csrf = hiddenValue(await page.text(), 'csrf');
  pools.add('interaction', { uid, path: `/interaction/${uid}`, cookie, csrf });
}

export function parseJson(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
