import type { JsonSchema } from '../src/repl/repl-session.ts';

/** A tool call a scenario asks for, with its arguments (the suite's context `toolCalls`). */
export interface ToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/**
 * The tool calls a scenario hands over in `MCP_CONFORMANCE_CONTEXT` (`toolCalls`, e.g.
 * `http-custom-headers`' values with edge-case encodings); none when it hands over none.
 */
export function contextToolCalls(env: Readonly<Record<string, string | undefined>>): ToolCall[] {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
  const calls = (parsed as { toolCalls?: unknown } | null)?.toolCalls;
  if (!Array.isArray(calls)) return [];
  return calls.map((call, index) => {
    const { name, arguments: args } = (call ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof name !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args))
      throw new Error(`MCP_CONFORMANCE_CONTEXT toolCalls[${index}] has no name and arguments object`);
    return { name, arguments: args as Record<string, unknown> };
  });
}

/** Arguments known to satisfy the suite's tools whose results are checked. */
const KNOWN_ARGUMENTS: Readonly<Record<string, Record<string, unknown>>> = {
  add_numbers: { a: 2, b: 3 },
};

/**
 * Arguments for a tool nobody gave any for: its known ones, else every required property filled
 * with its default or a plain value of its type. Enough for the suite's tools, which check how the
 * client calls, not what it sends.
 */
export function argumentsFor(tool: {
  name: string;
  inputSchema: { properties?: Record<string, JsonSchema>; required?: string[] };
}): Record<string, unknown> {
  const known = KNOWN_ARGUMENTS[tool.name];
  if (known) return known;
  const args: Record<string, unknown> = {};
  for (const name of tool.inputSchema.required ?? []) {
    const schema = tool.inputSchema.properties?.[name] ?? {};
    args[name] = schema.default ?? schema.enum?.[0] ?? plainValue(schema);
  }
  return args;
}

function plainValue(schema: JsonSchema): unknown {
  const type = Array.isArray(schema.type)
    ? schema.type.find((candidate) => candidate !== 'null')
    : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'conformance';
  }
}
