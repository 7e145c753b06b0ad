import type { CallToolResult } from '@modelcontextprotocol/server';

/** A problem with a tool's input that the caller can fix: an `isError` result, not a crash. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/** Structured output plus its text rendering (MCP tools: "structuredContent" and "content"). */
export function structuredResult<T extends Record<string, unknown>>(value: T, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: value };
}

/** MCP tools "Error Handling": errors the model can act on are results with isError. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
