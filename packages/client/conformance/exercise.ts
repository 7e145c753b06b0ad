import type { Client } from '@modelcontextprotocol/client';
import type { ToolInfo } from '../src/repl/repl-session.ts';
import { argumentsFor, type ToolCall } from './tool-calls.ts';
import { trace } from './trace.ts';

/** Runs one operation on the connected client (McpConnection.run adds step-up sign-in). */
export type Runner = <T>(operation: (client: Client) => Promise<T>) => Promise<T>;

/**
 * What a scenario's server checks once the client is connected: it lists the tools, then calls
 * the calls the scenario asked for (its context's `toolCalls`), else every tool it listed, one
 * after another. Each scenario checks what the client does on the way: the SDK drops tools with
 * invalid `x-mcp-header` declarations and mirrors declared parameters into `Mcp-Param-*` headers
 * (SEP-2243), answers `input_required` rounds through the elicitation handler and echoes
 * `requestState` (SEP-2322), answers elicitation requests (SEP-1034) and resumes a closed stream
 * with `Last-Event-ID` after the server's `retry` (SEP-1699).
 */
export async function exerciseServer(run: Runner, requested: readonly ToolCall[]): Promise<string> {
  const { tools } = await run((client) => client.listTools());
  trace(`listed tools: ${tools.map((candidate) => candidate.name).join(', ')}`);
  const calls: ToolCall[] = requested.length
    ? [...requested]
    : tools.map((tool) => ({ name: tool.name, arguments: argumentsFor(tool as ToolInfo) }));
  for (const call of calls) {
    const result = await run((client) => client.callTool({ name: call.name, arguments: call.arguments }));
    if (result.isError) throw new Error(`tool ${call.name} answered with an error`);
    trace(`called ${call.name}`);
  }
  return `listed ${tools.length} tool(s), called ${calls.map((call) => call.name).join(', ') || 'none'}`;
}
