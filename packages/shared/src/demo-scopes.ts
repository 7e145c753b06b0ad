/**
 * The demo MCP server's scopes and the tools each one unlocks. The authorization server registers
 * them for the demo resource and lists the tools on its consent page; the resource server
 * requires them. One definition, so the consent page never promises what the server refuses.
 */
export interface DemoScope {
  readonly name: string;
  /** What the consent page says the scope allows. */
  readonly description: string;
  /** The MCP tools it unlocks (with the base scope). */
  readonly tools: readonly string[];
}

/** The demo MCP server's name: its RFC 9728 `resource_name`, and how the consent page names it. */
export const DEMO_RESOURCE_NAME = 'MCP demo server';

/** Every MCP request to the demo server needs this scope; the others add to it. */
export const DEMO_BASE_SCOPE = 'user';

export const DEMO_SCOPES: readonly DemoScope[] = [
  {
    name: DEMO_BASE_SCOPE,
    description: 'Use the demo tools as you',
    tools: ['get_time', 'calculator', 'get_weather', 'whoami'],
  },
  { name: 'admin', description: 'See server statistics', tools: ['server_stats'] },
];

/** Every demo scope's name, base scope first (RFC 9728 `scopes_supported`). */
export const DEMO_SCOPE_NAMES: readonly string[] = DEMO_SCOPES.map((scope) => scope.name);

/**
 * The scopes a call of `tool` needs: the base scope and the scope that unlocks the tool. A tool
 * no scope names needs the base scope only (the server then answers that it has no such tool).
 */
export function demoScopesForTool(tool: string): readonly string[] {
  const unlocking = DEMO_SCOPES.find((scope) => scope.tools.includes(tool));
  return !unlocking || unlocking.name === DEMO_BASE_SCOPE
    ? [DEMO_BASE_SCOPE]
    : [DEMO_BASE_SCOPE, unlocking.name];
}
