/** Where the parts of a requested scope came from, to explain it (`--trace`). */
export interface ScopeSources {
  /** `--scope`. */
  readonly flag?: string | undefined;
  /** The server's challenge: the `scope` of a 401's or 403's `WWW-Authenticate`. */
  readonly challenge?: string | undefined;
  /** The scopes of the token held, asked for again. */
  readonly held?: string | undefined;
}

/** RFC 6749 §3.3: a scope value is a space-separated list of scope tokens. */
function tokens(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Every scope token of `scopes`, each once, in first-seen order; undefined when there is none. */
export function scopeUnion(...scopes: Array<string | undefined>): string | undefined {
  const union = [...new Set(scopes.flatMap(tokens))];
  return union.length > 0 ? union.join(' ') : undefined;
}

/** The scope tokens of `required` that `held` lacks. */
export function missingScopes(required: string | undefined, held: string | undefined): string[] {
  const have = new Set(tokens(held));
  return [...new Set(tokens(required))].filter((scope) => !have.has(scope));
}

/**
 * The scopes a token was granted that are about the MCP server. `offline_access` is left out: it
 * is between the client and its AS (SEP-2207), and the SDK asks for it when the AS offers it.
 */
export function resourceScopes(granted: string | undefined): string | undefined {
  return scopeUnion(...tokens(granted).filter((scope) => scope !== 'offline_access'));
}

/** "the `admin` permission", "the `admin` and `write` permissions". */
export function describePermissions(scopes: readonly string[]): string {
  const named = scopes.map((scope) => `\`${scope}\``);
  if (named.length <= 1) return `the ${named[0] ?? 'required'} permission`;
  return `the ${named.slice(0, -1).join(', ')} and ${named.at(-1)} permissions`;
}
