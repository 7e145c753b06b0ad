/**
 * How the authorization URL reaches the person (or, for conformance tests, a program):
 * - `system`: print it and open the default browser (or `BROWSER`);
 * - `print`: only print it (`--no-browser`), e.g. on a remote machine;
 * - `follow`: fetch it and follow the redirects to the loopback callback ourselves; for an AS
 *   that answers `/authorize` with an immediate redirect (the conformance suite's test AS).
 */
export type BrowserMode = 'system' | 'print' | 'follow';

export async function presentAuthorizationUrl(
  url: URL,
  mode: BrowserMode,
  say: (line: string) => void,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`the authorization URL is not http(s): ${url.protocol}`);
  }
  if (mode === 'follow') return followRedirects(url);
  say(`Sign in at: ${url.href}`);
  if (mode === 'print') return;
  try {
    // Loaded only here (with `node:child_process`): most runs use stored tokens and open nothing.
    const { openBrowser } = await import('../oauth/open-browser.ts');
    await openBrowser(url, { env });
  } catch (error) {
    say(`Could not open a browser (${(error as Error).message}); open the URL above yourself.`);
  }
}

/** Follows redirects until the loopback callback has been delivered (max 10 hops). */
async function followRedirects(start: URL): Promise<void> {
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(url, { redirect: 'manual' });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status > 399) return;
    url = new URL(location, url);
  }
}
