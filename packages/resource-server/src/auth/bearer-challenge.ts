/**
 * RFC 6750 §3 challenges, as MCP authorization requires them (SPEC RS.2):
 * - no token: 401 with `resource_metadata` (RFC 9728 §5.1) and the `scope` needed, no error code;
 * - a bad token: 401 `invalid_token`;
 * - not enough scope: 403 `insufficient_scope` with every scope the operation needs;
 * - a malformed request: 400 `invalid_request`.
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface BearerChallenge {
  readonly status: 400 | 401 | 403;
  readonly error?: BearerErrorCode;
  readonly description?: string;
  readonly scopes: readonly string[];
}

/** RFC 9110 §5.6.4 quoted-string: backslash-escape `"` and `\`, drop control characters. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/(["\\])/g, '\\$1')}"`;
}

export function challengeHeader(challenge: BearerChallenge, resourceMetadataUrl: string): string {
  const parameters: string[] = [];
  if (challenge.error) parameters.push(`error=${quoted(challenge.error)}`);
  if (challenge.description) parameters.push(`error_description=${quoted(challenge.description)}`);
  parameters.push(`resource_metadata=${quoted(resourceMetadataUrl)}`);
  if (challenge.scopes.length > 0) parameters.push(`scope=${quoted(challenge.scopes.join(' '))}`);
  return `Bearer ${parameters.join(', ')}`;
}

export function challengeBody(challenge: BearerChallenge): Record<string, string> {
  return {
    error: challenge.error ?? 'invalid_token',
    error_description: challenge.description ?? 'an access token is required',
  };
}
