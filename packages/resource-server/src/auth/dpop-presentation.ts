import type { IncomingMessage } from 'node:http';
import { bearerChallengeError } from './bearer-challenge.ts';
import { DpopProofError, type VerifiedProof, verifyDpopProof } from './dpop-proof.ts';
import type { DpopReplayCache } from './dpop-replay-cache.ts';
import type { TokenPresentation } from './token-presentation.ts';
import type { VerifiedAuthInfo } from './verified-token.ts';

/** How this server treats DPoP (RFC 9449). */
export interface DpopPolicy {
  /** `--require-dpop`: Bearer presentations are refused (RFC 9728 §2 `dpop_bound_access_tokens_required`). */
  readonly required: boolean;
  readonly replayCache: DpopReplayCache;
  /** The clock of the proofs' `iat` check, epoch milliseconds. */
  readonly now: () => number;
}

/** A proof that passed its own checks; `bindTo` finishes the checks that need the token. */
export interface PendingProof {
  /** RFC 9449 §4.3 checks 12 and the replay check: the token's key, and a first use. */
  bindTo(authInfo: VerifiedAuthInfo): void;
}

type DpopPresentation = Extract<TokenPresentation, { scheme: 'DPoP' }>;

/** With `--require-dpop`, a bearer presentation is refused before its token is looked at. */
export function refuseUnboundPresentation(policy: DpopPolicy, scopes: readonly string[]): void {
  if (!policy.required) return;
  throw bearerChallengeError({
    status: 401,
    error: 'invalid_token',
    description:
      'this server accepts only DPoP-bound access tokens: get one with a DPoP proof at the token endpoint and send it as "Authorization: DPoP <token>" with a proof (RFC 9449)',
    scopes,
    scheme: 'DPoP',
  });
}

/**
 * RFC 9449 §4.3 and §7.1: exactly one `DPoP` header whose proof passes its checks for this
 * request. `htu` may name the request by the resource URL's origin (the public name, behind a
 * proxy too) or by the Host the request was sent to (already checked against the allowed hosts).
 */
export async function checkDpopPresentation(
  req: IncomingMessage,
  presentation: DpopPresentation,
  requestUrl: URL,
  resourceUrl: string,
  policy: DpopPolicy,
  scopes: readonly string[],
): Promise<PendingProof> {
  const refuse = (description: string) =>
    bearerChallengeError({ status: 401, error: 'invalid_dpop_proof', description, scopes, scheme: 'DPoP' });
  if (presentation.proofs.length !== 1) {
    throw refuse(
      presentation.proofs.length === 0
        ? 'a DPoP-bound access token needs a DPoP header with a proof signed by its key'
        : 'send exactly one DPoP header',
    );
  }
  const resource = new URL(resourceUrl);
  const urls = [new URL(requestUrl.pathname, resource.origin)];
  const host = req.headers.host;
  const byHost = host ? URL.parse(`${resource.protocol}//${host}${requestUrl.pathname}`) : null;
  if (byHost) urls.push(byHost);
  let proof: VerifiedProof;
  try {
    proof = await verifyDpopProof(presentation.proofs[0] ?? '', {
      method: req.method ?? 'GET',
      urls,
      accessToken: presentation.token,
      now: policy.now(),
    });
  } catch (error) {
    if (error instanceof DpopProofError) throw refuse(error.message);
    throw error;
  }
  return {
    bindTo(authInfo) {
      if (!authInfo.boundKeyThumbprint) {
        throw bearerChallengeError({
          status: 401,
          error: 'invalid_token',
          description: policy.required
            ? 'the access token is not DPoP-bound: get one with a DPoP proof at the token endpoint'
            : 'the access token is not DPoP-bound: send it as "Authorization: Bearer <token>"',
          scopes,
          scheme: 'DPoP',
        });
      }
      // RFC 9449 §4.3 check 12: the proof's key is the one the token is bound to (RFC 7638).
      if (authInfo.boundKeyThumbprint !== proof.thumbprint) {
        throw refuse('the DPoP proof is signed by another key than the one the access token is bound to');
      }
      // RFC 9449 §11.1: last, so only holders of a valid token and its key add to the memory.
      if (!policy.replayCache.claim(proof.thumbprint, proof.jti, proof.iat)) {
        throw refuse('this DPoP proof was used already: make a new proof (new jti) for each request');
      }
    },
  };
}
