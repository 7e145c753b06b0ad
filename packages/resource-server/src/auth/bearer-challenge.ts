import { type BearerChallenge, ResourceServerError } from '../errors.ts';

type BearerErrorCode = NonNullable<BearerChallenge['error']>;

/** RFC 9110 §5.6.4 quoted-string: backslash-escape `"` and `\`, drop control characters. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/(["\\])/g, '\\$1')}"`;
}

/** The `WWW-Authenticate` value (RFC 6750 §3), pointing to the resource metadata (RFC 9728 §5.1). */
export function challengeHeader(challenge: BearerChallenge, resourceMetadataUrl: string): string {
  const parameters: string[] = [];
  if (challenge.error) parameters.push(`error=${quoted(challenge.error)}`);
  if (challenge.description) parameters.push(`error_description=${quoted(challenge.description)}`);
  parameters.push(`resource_metadata=${quoted(resourceMetadataUrl)}`);
  if (challenge.scopes.length > 0) parameters.push(`scope=${quoted(challenge.scopes.join(' '))}`);
  return `Bearer ${parameters.join(', ')}`;
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
