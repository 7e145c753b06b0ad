import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAddressAllowed } from './address-policy.ts';

export type SafeFetchReason = 'scheme' | 'address' | 'timeout' | 'too-large' | 'network';

export class SafeFetchError extends Error {
  readonly reason: SafeFetchReason;
  constructor(reason: SafeFetchReason, message: string) {
    super(message);
    this.name = 'SafeFetchError';
    this.reason = reason;
  }
}

export interface SafeFetchOptions {
  readonly allowLoopback: boolean;
  readonly timeoutMs?: number;
  /** The CIMD draft suggests documents stay small; 5 KiB is its recommended ceiling. */
  readonly maxBodyBytes?: number;
  /** Extra trusted CA (tests with a self-signed certificate). */
  readonly ca?: string | Buffer;
  readonly lookup?: typeof dnsLookup;
}

type FetchInit = {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  signal?: AbortSignal | null;
};

/**
 * The fetch oidc-provider uses for Client ID Metadata Documents (`configuration.fetch`): https
 * only, GET only, no redirects followed, no cookies, bounded in time and size, and the address
 * is checked at connection time (inside DNS resolution), so a name cannot resolve to a public
 * address when checked and a private one when connected (DNS rebinding).
 */
export function createSafeFetch(options: SafeFetchOptions) {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024;
  const resolve = options.lookup ?? dnsLookup;

  // Every address a name resolves to must be allowed: a name that mixes public and private
  // addresses is refused rather than filtered, since it is an attack or a misconfiguration.
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const respond = (addresses: LookupAddress[]) => {
      const forbidden = addresses.find((entry) => !isAddressAllowed(entry.address, options));
      if (forbidden || addresses.length === 0) {
        const error = new SafeFetchError('address', `${hostname} resolves to a forbidden address`);
        callback(error as NodeJS.ErrnoException, '', 0);
        return;
      }
      if (lookupOptions.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        return;
      }
      const [first] = addresses as [LookupAddress];
      callback(null, first.address, first.family);
    };
    const literalFamily = isIP(hostname);
    if (literalFamily) return respond([{ address: hostname, family: literalFamily }]);
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      respond(addresses as unknown as LookupAddress[]);
    });
  };

  return async function safeFetch(input: string | URL, init: FetchInit = {}): Promise<Response> {
    const url = new URL(String(input));
    if (url.protocol !== 'https:')
      throw new SafeFetchError('scheme', `${url.protocol} URLs are not fetched; https only`);
    if (url.username || url.password)
      throw new SafeFetchError('scheme', 'URLs with credentials are not fetched');
    if ((init.method ?? 'GET').toUpperCase() !== 'GET')
      throw new SafeFetchError('scheme', 'only GET is allowed');
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(hostname) && !isAddressAllowed(hostname, options)) {
      throw new SafeFetchError('address', `${url.host} is a forbidden address`);
    }
    const headers = new Headers(init.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    headers.delete('cookie');
    headers.delete('authorization');

    const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
    const signal = AbortSignal.any(signals);
    return new Promise<Response>((resolvePromise, reject) => {
      const fail = (error: unknown) => reject(toSafeFetchError(error, url, signal));
      const req = request(
        url,
        {
          method: 'GET',
          headers: Object.fromEntries(headers),
          lookup: guardedLookup,
          ...(options.ca ? { ca: options.ca } : {}),
          signal,
          agent: false,
        },
        (res) => readBody(res, maxBodyBytes, url).then(resolvePromise, fail),
      );
      req.on('error', fail);
      req.end();
    });
  };
}

async function readBody(res: IncomingMessage, maxBodyBytes: number, url: URL): Promise<Response> {
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    res.destroy();
    throw new SafeFetchError('too-large', `the document at ${url.host} is larger than ${maxBodyBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of res) {
    received += (chunk as Buffer).length;
    if (received > maxBodyBytes) {
      res.destroy();
      throw new SafeFetchError(
        'too-large',
        `the document at ${url.host} is larger than ${maxBodyBytes} bytes`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const status = res.statusCode ?? 502;
  const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
  return new Response(body, { status, headers });
}

function toSafeFetchError(error: unknown, url: URL, signal: AbortSignal): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  if (signal.aborted) return new SafeFetchError('timeout', `fetching ${url.host} took too long`);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof SafeFetchError) return cause;
  return new SafeFetchError('network', `fetching ${url.host} failed: ${(error as Error).message}`);
}
