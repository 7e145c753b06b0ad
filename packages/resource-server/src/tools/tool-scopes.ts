import { DEMO_BASE_SCOPE, DEMO_SCOPE_NAMES, demoScopesForTool } from '@mcp-auth/shared';

/**
 * The scopes each operation needs (defined with the AS's consent page in @mcp-auth/shared). Every MCP request needs `user`; a tool may need more, and
 * calling it without them is answered at the HTTP layer with 403 insufficient_scope naming all
 * the scopes it needs (RFC 6750 §3.1), which MCP clients answer with a step-up authorization.
 */
export const BASE_SCOPES: readonly string[] = [DEMO_BASE_SCOPE];

export const ALL_SCOPES: readonly string[] = DEMO_SCOPE_NAMES;

export function scopesForTool(name: string): readonly string[] {
  return demoScopesForTool(name);
}

/** The scopes a JSON-RPC message (or batch, 2025-03-26) needs, as one list without duplicates. */
export function scopesForMessage(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<string>(BASE_SCOPES);
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    if (method === 'tools/call' && typeof params?.name === 'string') {
      for (const scope of scopesForTool(params.name)) needed.add(scope);
    }
  }
  return [...needed];
}
