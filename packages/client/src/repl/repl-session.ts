/**
 * What the REPL needs from a signed-in MCP connection. Networking and OAuth live behind it, so
 * the REPL can be driven (and tested) with any implementation.
 */

/** The parts of JSON Schema the argument prompts understand. */
export type JsonSchema = {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

export interface ToolInfo {
  name: string;
  description?: string;
  inputSchema: { type: 'object'; properties?: Record<string, JsonSchema>; required?: string[] };
}

export interface ToolCallOutcome {
  /** Optional because MCP servers may leave it out, which means false. */
  isError?: boolean;
  structuredContent?: unknown;
  content: Array<{ type: string; text?: string; [key: string]: unknown }>;
}

export interface ReplSession {
  listTools(): Promise<ToolInfo[]>;
  /** Should stop (reject) when `signal` aborts; the REPL stops waiting for it either way. */
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolCallOutcome>;
  /** Lines describing the sign-in state. */
  status(): Promise<string[]>;
  /** One line saying what was forgotten. */
  logout(): Promise<string>;
}
