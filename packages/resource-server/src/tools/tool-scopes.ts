/**
 * The scopes each operation needs. Every MCP request needs `user`; a tool may need more, and
 * calling it without them is answered at the HTTP layer with 403 insufficient_scope naming all
 * the scopes it needs (SPEC RS.2), which MCP clients answer with a step-up authorization.
 */
export const BASE_SCOPES = ['user'] as const;

const TOOL_SCOPES: ReadonlyMap<string, readonly string[]> = new Map([['server_stats', ['user', 'admin']]]);

export const ALL_SCOPES: readonly string[] = ['user', 'admin'];

export function scopesForTool(name: string): readonly string[] {
  return TOOL_SCOPES.get(name) ?? BASE_SCOPES;
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
