import { lookup as dnsLookup } from 'node:dns';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { getCACertificates } from 'node:tls';
import { isAddressAllowed } from './address-policy.ts';
import { createGuardedLookup } from './guarded-lookup.ts';
import { toLimitedResponse } from './limited-response.ts';
import { SafeFetchError } from './safe-fetch-error.ts';

export { SafeFetchError, type SafeFetchReason } from './safe-fetch-error.ts';

export interface SafeFetchOptions {
  /** Development only: let loopback addresses through; every other address rule still holds. */
  readonly allowLoopback: boolean;
  /** Deadline for the whole exchange, every hop included: connect, headers and body. */
  readonly timeoutMs?: number;
  /** Body size limit; the CIMD draft ("Maximum Response Size") recommends 5 kilobytes. */
  readonly maxBodyBytes?: number;
  /**
   * Redirects to follow, each hop checked like the first. Keep 0 for CIMD: the draft says the
   * AS MUST NOT follow redirects, so a 3xx is handed back and oidc-provider rejects it.
   */
  readonly maxRedirects?: number;
  /** A CA to trust in addition to the default store (tests with a self-signed certificate). */
  readonly ca?: string | Buffer;
  /** The resolver; injectable so tests can play a hostile DNS server. */
  readonly lookup?: typeof dnsLookup;
}

export interface SafeFetchInit {
  readonly method?: string;
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  readonly signal?: AbortSignal | null;
}

export type SafeFetch = (url: string | URL, init?: SafeFetchInit) => Promise<Response>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The fetch oidc-provider uses for Client ID Metadata Documents (`configuration.fetch`). The
 * client picks the URL, so every rule here is an SSRF defence (CIMD draft, "Server-Side Request
 * Forgery (SSRF) Attacks"): https only, GET only, no credentials, public addresses only (checked
 * at connect time, see guarded-lookup.ts), bounded in time and size, redirects not followed.
 */
export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024;
  const maxRedirects = options.maxRedirects ?? 0;
  const lookup = createGuardedLookup(options.lookup ?? dnsLookup, options.allowLoopback);
  // `ca` alone would replace Node's default trust store; add to it instead, so public CAs still work.
  const ca = options.ca === undefined ? undefined : [...getCACertificates('default'), options.ca];

  function checkUrl(url: URL): void {
    if (url.protocol !== 'https:') {
      throw new SafeFetchError('scheme', `refusing ${url.protocol} URL for ${url.host}: https only`);
    }
    if (url.username !== '' || url.password !== '') {
      throw new SafeFetchError('scheme', `refusing URL with userinfo for ${url.host}`);
    }
    // net.connect does not call `lookup` for IP literals, so they are checked here.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !isAddressAllowed(host, options)) {
      throw new SafeFetchError('address', `${url.host} is a forbidden address`);
    }
  }

  function once(url: URL, headers: Headers, signal: AbortSignal): Promise<Response> {
    checkUrl(url);
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        headers: Object.fromEntries(headers),
        lookup,
        signal,
        agent: false, // a fresh connection per request: no pooled socket skips the lookup check
        ...(ca === undefined ? {} : { ca }),
      });
      req.once('response', (res) => toLimitedResponse(res, maxBodyBytes, url.host).then(resolve, reject));
      req.once('error', reject);
      req.end();
    });
  }

  return async function safeFetch(input, init = {}) {
    let url: URL;
    try {
      url = new URL(String(input));
    } catch {
      throw new SafeFetchError('scheme', 'refusing to fetch something that is not a URL');
    }
    if ((init.method ?? 'GET').toUpperCase() !== 'GET') {
      throw new SafeFetchError('scheme', `refusing ${init.method} to ${url.host}: GET only`);
    }
    const headers = new Headers(init.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    for (const name of ['cookie', 'authorization', 'proxy-authorization']) headers.delete(name);

    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    try {
      for (let hop = 0; ; hop++) {
        const response = await once(url, headers, signal);
        const location = response.headers.get('location');
        if (hop >= maxRedirects || !REDIRECT_STATUSES.has(response.status) || location === null) {
          return response;
        }
        url = new URL(location, url);
      }
    } catch (error) {
      throw asSafeFetchError(error, url, deadline, signal);
    }
  };
}

function asSafeFetchError(error: unknown, url: URL, deadline: AbortSignal, signal: AbortSignal) {
  if (error instanceof SafeFetchError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof SafeFetchError) return cause;
  if (deadline.aborted) return new SafeFetchError('timeout', `fetching from ${url.host} timed out`);
  if (signal.aborted) return new SafeFetchError('timeout', `fetching from ${url.host} was aborted`);
  const detail = error instanceof Error ? error.message : String(error);
  return new SafeFetchError('network', `fetching from ${url.host} failed: ${detail}`, { cause: error });
}
