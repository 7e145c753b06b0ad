import type { IncomingMessage } from 'node:http';

// RFC 6750 §2.1 and RFC 9449 §7.1: token68-like b64token after the scheme name, case-insensitive.
const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** How the request presents its access token. */
export type TokenPresentation =
  | { readonly scheme: 'Bearer'; readonly token: string }
  /** RFC 9449 §7: `Authorization: DPoP <token>`; `proofs` are the `DPoP` header lines sent. */
  | { readonly scheme: 'DPoP'; readonly token: string; readonly proofs: readonly string[] };

/** Why no presentation could be read. */
export type PresentationProblem = 'missing' | 'malformed';

/**
 * Every line of one header as sent. Node keeps only the first of repeated lines in
 * `req.headers`, and RFC 6750 §2 allows one method per request (RFC 9449 §4.3: one proof), so
 * repeats must be seen to be refused; the raw list is scanned rather than `headersDistinct`,
 * which builds arrays for every header of every request.
 */
export function headerLines(req: IncomingMessage, lowerCaseName: string): string[] {
  const found: string[] = [];
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index];
    if (name?.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) {
      found.push(raw[index + 1] ?? '');
    }
  }
  return found;
}

/** The token and its scheme, from exactly one `Authorization` line, or what is wrong with it. */
export function readTokenPresentation(req: IncomingMessage): TokenPresentation | PresentationProblem {
  const lines = headerLines(req, 'authorization');
  if (lines.length === 0) return 'missing';
  const match = lines.length === 1 ? AUTHORIZATION.exec(lines[0] ?? '') : null;
  const token = match?.[2];
  if (!match || !token) return 'malformed';
  if (match[1]?.toLowerCase() === 'bearer') return { scheme: 'Bearer', token };
  return { scheme: 'DPoP', token, proofs: headerLines(req, 'dpop') };
}
