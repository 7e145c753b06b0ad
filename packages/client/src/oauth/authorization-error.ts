/** Long enough for any useful description; a flood from a hostile server stops here. */
const MAX_DESCRIPTION_LENGTH = 200;

/**
 * Text that came from the network, made safe to print on a terminal: control characters
 * (escape sequences could rewrite the screen or the title), Unicode bidirectional overrides
 * (they can make text read differently than it is) and line breaks are removed, and the
 * length is capped.
 */
export function sanitizeForTerminal(text: string, maxLength = MAX_DESCRIPTION_LENGTH): string {
  const clean = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1).trimEnd()}…` : clean;
}

export interface AuthorizationErrorAnswer {
  /** RFC 6749 §4.1.2.1 `error`. */
  readonly error: string;
  /** RFC 6749 §4.1.2.1 `error_description`, as received (it is sanitised here). */
  readonly description?: string | undefined;
  /** The MCP server (RFC 8707 resource) the sign-in was for. */
  readonly resource: string;
  /** The scope that was asked for. */
  readonly scope?: string | undefined;
}

/** What to do about each error an AS may send back to the redirect URI (RFC 6749 §4.1.2.1). */
const NEXT_STEPS: Readonly<Record<string, (answer: AuthorizationErrorAnswer) => string>> = {
  // RFC 8707 §2: the AS does not serve the resource the client named.
  invalid_target: ({ resource }) =>
    `the authorization server does not know this MCP server (${resource}); start it with ` +
    `\`mcp-auth-as --resource ${resource}\` or add it to its --config`,
  invalid_scope: ({ scope }) =>
    `the authorization server does not offer a scope that was asked for (${scope ?? 'none'}); ` +
    'ask for fewer with --scope, or have its administrator add it',
  unauthorized_client: () =>
    'this client may not use the authorization code flow at that authorization server; ask its administrator',
  server_error: () => 'the authorization server failed; try again later',
  temporarily_unavailable: () => 'the authorization server is busy or down; try again later',
};

/**
 * One line for an error the AS sent back instead of a code: its own description (sanitised:
 * it comes from the network) and what to do about it.
 */
export function describeAuthorizationError(answer: AuthorizationErrorAnswer): string {
  const code = sanitizeForTerminal(answer.error, 40);
  const description = answer.description ? sanitizeForTerminal(answer.description) : '';
  if (code === 'access_denied') {
    return `access was denied in the browser${description ? ` (${description})` : ''}; run the command again to sign in`;
  }
  const nextStep =
    NEXT_STEPS[code]?.(answer) ??
    'run the command again; if it happens again, ask the administrator of the authorization server';
  return `the authorization server refused the sign-in: ${code}${description ? ` (${description})` : ''}; ${nextStep}`;
}
