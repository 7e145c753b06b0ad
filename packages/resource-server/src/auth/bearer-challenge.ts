import { type BearerChallenge, ResourceServerError } from '../errors.ts';
import { DPOP_PROOF_ALGORITHMS } from './dpop-proof.ts';

type BearerErrorCode = NonNullable<BearerChallenge['error']>;

/** RFC 9110 §5.6.4 quoted-string: backslash-escape `"` and `\`, drop control characters. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/(["\\])/g, '\\$1')}"`;
}

export interface ChallengeContext {
  /** RFC 9728 §5.1: every challenge points to the resource metadata. */
  readonly resourceMetadataUrl: string;
  /** `--require-dpop`: only the DPoP scheme is offered (RFC 9449 §7.1). */
  readonly dpopRequired: boolean;
}

/**
 * The `WWW-Authenticate` values of a refusal, one per scheme the server accepts: `Bearer`
 * (RFC 6750 §3), unless DPoP is required, then `DPoP` with `algs` (RFC 9449 §7.1). The error
 * goes in the challenge of the scheme it is about; both name the resource metadata
 * (RFC 9728 §5.1) and the scopes, so a client reading either finds them.
 */
export function challengeHeaders(challenge: BearerChallenge, context: ChallengeContext): string[] {
  const errorScheme = context.dpopRequired ? 'DPoP' : (challenge.scheme ?? 'Bearer');
  const common: string[] = [`resource_metadata=${quoted(context.resourceMetadataUrl)}`];
  if (challenge.scopes.length > 0) common.push(`scope=${quoted(challenge.scopes.join(' '))}`);
  const errorParameters: string[] = [];
  if (challenge.error) errorParameters.push(`error=${quoted(challenge.error)}`);
  if (challenge.description) errorParameters.push(`error_description=${quoted(challenge.description)}`);

  const bearer = `Bearer ${[...(errorScheme === 'Bearer' ? errorParameters : []), ...common].join(', ')}`;
  const dpop = `DPoP ${[
    ...(errorScheme === 'DPoP' ? errorParameters : []),
    `algs=${quoted(DPOP_PROOF_ALGORITHMS.join(' '))}`,
    ...common,
  ].join(', ')}`;
  return context.dpopRequired ? [dpop] : [bearer, dpop];
}

/** The `WWW-Authenticate` value of a Bearer-only server (RFC 6750 §3), as tests and hosts read it. */
export function challengeHeader(challenge: BearerChallenge, resourceMetadataUrl: string): string {
  return challengeHeaders(challenge, { resourceMetadataUrl, dpopRequired: false })[0] ?? '';
}

/** The JSON body beside the challenge: JSON clients get a code and a description even for "no token". */
export function challengeBody(challenge: BearerChallenge): {
  error: BearerErrorCode;
  error_description: string;
} {
  return {
    error: challenge.error ?? 'invalid_token',
    error_description: challenge.description ?? 'an access token is required',
  };
}

/** A refusal answered with the challenge (header and body above). */
export function bearerChallengeError(challenge: BearerChallenge): ResourceServerError {
  const body = challengeBody(challenge);
  return new ResourceServerError(challenge.status, body.error, body.error_description, { challenge });
}
