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

/**
 * Each method that takes a signal should stop (reject) when it aborts (Ctrl-C), including a
 * sign-in it waits for; the REPL stops waiting for it either way.
 */
export interface ReplSession {
  listTools(signal?: AbortSignal): Promise<ToolInfo[]>;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolCallOutcome>;
  /** Lines describing the sign-in state: where, as whom, until when. */
  status(signal?: AbortSignal): Promise<string[]>;
  /** One line saying what was forgotten. */
  logout(): Promise<string>;
}
