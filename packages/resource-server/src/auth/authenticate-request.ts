import type { IncomingMessage } from 'node:http';
import { requestTargetUrl, sameResource } from '@mcp-auth/shared';
import { InvalidTokenError } from '../errors.ts';
import { bearerChallengeError } from './bearer-challenge.ts';
import type { TokenVerifier, VerifiedAuthInfo } from './verified-token.ts';

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Every `Authorization` header line as sent. Node keeps only the first of repeated lines in
 * `req.headers`, and RFC 6750 §2 allows one method per request, so repeats must be seen to be
 * refused; the raw list is scanned rather than `headersDistinct`, which builds arrays for every
 * header of every request.
 */
function authorizationHeaders(req: IncomingMessage): string[] {
  const found: string[] = [];
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index];
    if (name?.length === 13 && name.toLowerCase() === 'authorization') found.push(raw[index + 1] ?? '');
  }
  return found;
}

export interface VerifyBearerOptions {
  readonly verifier: TokenVerifier;
  readonly resourceUrl: string;
  readonly acceptAnyAudience: boolean;
  /** The scopes named in a 401/400 challenge (RFC 6750 §3 `scope`), before the message is known. */
  readonly challengeScopes: readonly string[];
  /** The request URL when the caller has parsed it already (it is parsed once per request). */
  readonly requestUrl?: URL;
}

export interface AuthenticateOptions extends Omit<VerifyBearerOptions, 'challengeScopes'> {
  readonly requiredScopes: readonly string[];
}

/**
 * The first half of authentication, which needs nothing but the headers: the bearer token is
 * present exactly once and only in the `Authorization` header, active, unexpired and meant for
 * this server. It runs before the body is read, so an anonymous request costs no body reading or
 * parsing. Never logs or forwards the token. A refusal is thrown with its RFC 6750 §3 challenge.
 */
export async function verifyBearerToken(
  req: IncomingMessage,
  options: VerifyBearerOptions,
): Promise<VerifiedAuthInfo> {
  const scopes = options.challengeScopes;
  const url = options.requestUrl ?? requestTargetUrl(req) ?? new URL('http://origin-form/');
  if (url.searchParams.has('access_token')) {
    // OAuth 2.1 §5.2.1 / MCP: tokens in the query string are refused, not ignored.
    throw bearerChallengeError({
      status: 400,
      error: 'invalid_request',
      description: 'send the access token in the Authorization header, never in the URL',
      scopes,
    });
  }
  const header = authorizationHeaders(req);
  if (header.length === 0) throw bearerChallengeError({ status: 401, scopes });
  const match = header.length === 1 ? BEARER.exec(header[0] ?? '') : null;
  if (!match?.[1]) {
    throw bearerChallengeError({
      status: 400,
      error: 'invalid_request',
      description: 'the Authorization header must be "Bearer <token>"',
      scopes,
    });
  }
  const token = match[1];
  let authInfo: VerifiedAuthInfo;
  try {
    authInfo = await options.verifier.verifyAccessToken(token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw bearerChallengeError({ status: 401, error: 'invalid_token', description: error.message, scopes });
  }
  // MCP "Token Audience Binding and Validation": a token for another resource is refused, or a
  // stolen token for one server would open every server that trusts the same AS.
  if (
    !options.acceptAnyAudience &&
    !authInfo.extra.audience.some((audience) => sameResource(audience, options.resourceUrl))
  ) {
    throw bearerChallengeError({
      status: 401,
      error: 'invalid_token',
      description: 'the access token was not issued for this server',
      scopes,
    });
  }
  return authInfo;
}

/**
 * The second half: the scopes the operation needs, known once the message is read. A missing one
 * is thrown as 403 `insufficient_scope` naming every scope needed (RFC 6750 §3.1), which MCP
 * clients answer with a step-up authorization.
 */
export function requireScopes(authInfo: VerifiedAuthInfo, requiredScopes: readonly string[]): void {
  const missing = requiredScopes.filter((scope) => !authInfo.scopes.includes(scope));
  if (missing.length === 0) return;
  throw bearerChallengeError({
    status: 403,
    error: 'insufficient_scope',
    description: `this operation needs the scope ${missing.join(' ')}`,
    scopes: requiredScopes,
  });
}

/** Both halves at once, for requests whose needed scopes are known before any body is read. */
export async function authenticateRequest(
  req: IncomingMessage,
  options: AuthenticateOptions,
): Promise<VerifiedAuthInfo> {
  const { requiredScopes, ...rest } = options;
  const authInfo = await verifyBearerToken(req, { ...rest, challengeScopes: requiredScopes });
  requireScopes(authInfo, requiredScopes);
  return authInfo;
}
