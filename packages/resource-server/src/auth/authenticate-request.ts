import type { IncomingMessage } from 'node:http';
import { sameResource } from '@mcp-auth/shared';
import type { BearerChallenge } from './bearer-challenge.ts';
import { InvalidTokenError, type TokenVerifier, type VerifiedToken } from './verified-token.ts';

export type AuthenticationResult =
  | { readonly ok: true; readonly token: string; readonly verified: VerifiedToken }
  | { readonly ok: false; readonly challenge: BearerChallenge };

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
 * parsing. Never logs or forwards the token.
 */
export async function verifyBearerToken(
  req: IncomingMessage,
  options: VerifyBearerOptions,
): Promise<AuthenticationResult> {
  const scopes = options.challengeScopes;
  const url = options.requestUrl ?? new URL(req.url ?? '/', 'http://placeholder');
  if (url.searchParams.has('access_token')) {
    // OAuth 2.1 §5.2.1 / MCP: tokens in the query string are refused, not ignored.
    return {
      ok: false,
      challenge: {
        status: 400,
        error: 'invalid_request',
        description: 'send the access token in the Authorization header, never in the URL',
        scopes,
      },
    };
  }
  const header = authorizationHeaders(req);
  if (header.length === 0) {
    return { ok: false, challenge: { status: 401, scopes } };
  }
  const match = header.length === 1 ? BEARER.exec(header[0] ?? '') : null;
  if (!match?.[1]) {
    return {
      ok: false,
      challenge: {
        status: 400,
        error: 'invalid_request',
        description: 'the Authorization header must be "Bearer <token>"',
        scopes,
      },
    };
  }
  const token = match[1];
  let verified: VerifiedToken;
  try {
    verified = await options.verifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      return {
        ok: false,
        challenge: { status: 401, error: 'invalid_token', description: error.message, scopes },
      };
    }
    throw error;
  }
  // MCP "Token Audience Binding and Validation": a token for another resource is refused, or a
  // stolen token for one server would open every server that trusts the same AS.
  if (
    !options.acceptAnyAudience &&
    !verified.audience.some((audience) => sameResource(audience, options.resourceUrl))
  ) {
    return {
      ok: false,
      challenge: {
        status: 401,
        error: 'invalid_token',
        description: 'the access token was not issued for this server',
        scopes,
      },
    };
  }
  return { ok: true, token, verified };
}

/**
 * The second half: the scopes the operation needs, known once the message is read. A missing one
 * is 403 `insufficient_scope` naming every scope needed (RFC 6750 §3.1), which MCP clients answer
 * with a step-up authorization.
 */
export function missingScopeChallenge(
  verified: VerifiedToken,
  requiredScopes: readonly string[],
): BearerChallenge | undefined {
  const missing = requiredScopes.filter((scope) => !verified.scopes.includes(scope));
  if (missing.length === 0) return undefined;
  return {
    status: 403,
    error: 'insufficient_scope',
    description: `this operation needs the scope ${missing.join(' ')}`,
    scopes: requiredScopes,
  };
}

/** Both halves at once, for requests whose needed scopes are known before any body is read. */
export async function authenticateRequest(
  req: IncomingMessage,
  options: AuthenticateOptions,
): Promise<AuthenticationResult> {
  const { requiredScopes, ...rest } = options;
  const result = await verifyBearerToken(req, { ...rest, challengeScopes: requiredScopes });
  if (!result.ok) return result;
  const challenge = missingScopeChallenge(result.verified, requiredScopes);
  return challenge ? { ok: false, challenge } : result;
}
