import type { IncomingMessage } from 'node:http';
import { requestTargetUrl, sameResource } from '@mcp-auth/shared';
import { InvalidTokenError } from '../errors.ts';
import { bearerChallengeError } from './bearer-challenge.ts';
import { checkDpopPresentation, type DpopPolicy, refuseUnboundPresentation } from './dpop-presentation.ts';
import { readTokenPresentation } from './token-presentation.ts';
import type { TokenVerifier, VerifiedAuthInfo } from './verified-token.ts';

export interface VerifyBearerOptions {
  readonly verifier: TokenVerifier;
  readonly resourceUrl: string;
  readonly acceptAnyAudience: boolean;
  /** The scopes named in a 401/400 challenge (RFC 6750 §3 `scope`), before the message is known. */
  readonly challengeScopes: readonly string[];
  /** The request URL when the caller has parsed it already (it is parsed once per request). */
  readonly requestUrl?: URL;
  /** DPoP (RFC 9449): the replay memory, and whether Bearer is refused. */
  readonly dpop: DpopPolicy;
}

export interface AuthenticateOptions extends Omit<VerifyBearerOptions, 'challengeScopes'> {
  readonly requiredScopes: readonly string[];
}

/**
 * The first half of authentication, which needs nothing but the headers: the access token is
 * present exactly once and only in the `Authorization` header (as `Bearer`, RFC 6750, or as
 * `DPoP` with a proof, RFC 9449), active, unexpired and meant for this server, and a DPoP-bound
 * token comes with a valid proof of its key. It runs before the body is read, so an anonymous
 * request costs no body reading or parsing. Never logs or forwards the token. A refusal is
 * thrown with its challenge.
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
  const presentation = readTokenPresentation(req);
  if (presentation === 'missing') throw bearerChallengeError({ status: 401, scopes });
  if (presentation === 'malformed') {
    throw bearerChallengeError({
      status: 400,
      error: 'invalid_request',
      description: 'the Authorization header must be "Bearer <token>" or "DPoP <token>"',
      scopes,
    });
  }
  const { scheme } = presentation;
  if (scheme === 'Bearer') refuseUnboundPresentation(options.dpop, scopes);
  // The proof is checked before the token: a bad proof costs no introspection.
  const proof =
    presentation.scheme === 'DPoP'
      ? await checkDpopPresentation(req, presentation, url, options.resourceUrl, options.dpop, scopes)
      : undefined;
  let authInfo: VerifiedAuthInfo;
  try {
    authInfo = await options.verifier.verifyAccessToken(presentation.token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw bearerChallengeError({
      status: 401,
      error: 'invalid_token',
      description: error.message,
      scopes,
      scheme,
    });
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
      scheme,
    });
  }
  proof?.bindTo(authInfo);
  if (!proof && authInfo.boundKeyThumbprint) {
    // RFC 9449 §7.2: a DPoP-bound token sent as a bearer token is refused, or a stolen one
    // would work without its key.
    throw bearerChallengeError({
      status: 401,
      error: 'invalid_token',
      description:
        'the access token is bound to a DPoP key: send it as "Authorization: DPoP <token>" with a DPoP proof signed by that key',
      scopes,
      scheme: 'DPoP',
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
    scheme: authInfo.boundKeyThumbprint ? 'DPoP' : 'Bearer',
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
