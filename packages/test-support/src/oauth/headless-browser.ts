import { CookieJar } from './cookie-jar.ts';
import { formAction, hiddenValue, postForm } from './oauth-flow.ts';

/**
 * Plays the person in the browser for an authorization URL a client produced: follows
 * redirects, signs in, approves consent, and returns the redirect to the client (unfollowed).
 */
export async function approveInBrowser(
  authorizationUrl: URL,
  user: { username: string; password: string },
  redirectPrefix: string,
  /** Called with each page's HTML, for tests of what a person sees. */
  onPage?: (html: string) => void,
): Promise<URL> {
  const jar = new CookieJar();
  let response = await fetch(authorizationUrl, { redirect: 'manual' });
  jar.store(response);
  for (let step = 0; step < 12; step++) {
    const location = response.headers.get('location');
    if (location?.startsWith(redirectPrefix)) return new URL(location);
    if (location) {
      response = await fetch(new URL(location, authorizationUrl), {
        headers: { cookie: jar.header() },
        redirect: 'manual',
      });
      jar.store(response);
      continue;
    }
    const page = await response.text();
    onPage?.(page);
    const action = formAction(page, /\/(login|confirm)$/);
    const fields: Record<string, string> = { csrf: hiddenValue(page, 'csrf') };
    if (action.endsWith('/login')) Object.assign(fields, user);
    response = await postForm(jar, new URL(action, authorizationUrl).href, fields);
  }
  throw new Error('the authorization did not reach the client');
}
