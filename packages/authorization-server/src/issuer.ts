import { isLoopbackHostname } from '@mcp-auth/shared';
import { z } from 'zod';

/**
 * The AS's issuer (RFC 8414 §2), read once at start-up and handed down whole, so no part of the
 * server derives its own host, origin or "is this loopback" from a string.
 */
export interface Issuer {
  /** The issuer identifier: an origin without a path or trailing slash. */
  readonly url: string;
  /** `scheme://host[:port]`: where the AS's own pages post from (CSRF). */
  readonly origin: string;
  /** `host[:port]`: the only Host the AS builds URLs with, and the server the pages name. */
  readonly host: string;
  /** On this machine only: development credentials and the demo account hint are allowed. */
  readonly isLoopback: boolean;
  /** Served over https: cookies are `Secure`. */
  readonly isHttps: boolean;
}

/** The issuer of a validated issuer URL (see `issuerSchema`). */
export function issuerFrom(url: string): Issuer {
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    host: parsed.host,
    isLoopback: isLoopbackHostname(parsed.hostname),
    isHttps: parsed.protocol === 'https:',
  };
}

/** RFC 8414 §2: an https URL (or http, see `insecureIssuerProblem`) with no path, query or fragment. */
export const issuerSchema = z.string().superRefine((value, ctx) => {
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    ctx.addIssue({ code: 'custom', message: 'the issuer must be an absolute http(s) URL' });
    return;
  }
  // RFC 8414 §2: the issuer has no query and no fragment.
  if (url.search || url.hash || value.includes('#') || value.includes('?')) {
    ctx.addIssue({ code: 'custom', message: 'the issuer must not have a query or a fragment (RFC 8414 §2)' });
  }
  if (url.pathname !== '/' || value.endsWith('/')) {
    ctx.addIssue({
      code: 'custom',
      message: 'the issuer must be an origin without a path or trailing slash, e.g. https://auth.example.com',
    });
  }
});

/**
 * OAuth 2.1 §1.5: an issuer on another machine uses https. Plain http is allowed on loopback,
 * and elsewhere only with `dangerouslyAllowInsecureIssuer` (a lab setup).
 */
export function insecureIssuerProblem(
  url: string,
  dangerouslyAllowInsecureIssuer: boolean,
): string | undefined {
  const parsed = URL.parse(url);
  if (parsed?.protocol !== 'http:' || dangerouslyAllowInsecureIssuer) return undefined;
  if (isLoopbackHostname(parsed.hostname)) return undefined;
  return 'a non-loopback issuer must use https (OAuth 2.1 §1.5); put the AS behind TLS, or pass --dangerously-allow-insecure-issuer for a lab setup';
}
