import { createPkcePair } from '@mcp-auth/test-support/pkce';

/** The loopback redirect URI `registerPublicClient` registers. */
export const REGISTERED_REDIRECT_URI = 'http://127.0.0.1:3030/callback';

/**
 * `GET /auth` with a valid S256 challenge, a state and the registered loopback redirect URI,
 * `params` applied on top (a value of `undefined` leaves the parameter out). The answer is returned
 * unfollowed, so a test sees exactly where the AS would send the browser.
 */
export function requestAuthorization(
  issuer: string,
  clientId: string,
  params: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const all: Record<string, string | undefined> = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REGISTERED_REDIRECT_URI,
    code_challenge: createPkcePair().challenge,
    code_challenge_method: 'S256',
    scope: 'user',
    state: 'state-1',
    ...params,
  };
  const url = new URL(`${issuer}/auth`);
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return fetch(url, { headers, redirect: 'manual' });
}

/** The redirect an answer sends the browser to, parsed; undefined when it sends it nowhere. */
export function redirectOf(response: Response): URL | undefined {
  const location = response.headers.get('location');
  return location === null ? undefined : new URL(location);
}
