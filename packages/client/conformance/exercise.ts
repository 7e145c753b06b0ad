import type { Client } from '@modelcontextprotocol/client';
import { trace } from './trace.ts';

/** Runs one operation on the connected client (McpConnection.run adds step-up sign-in). */
export type Runner = <T>(operation: (client: Client) => Promise<T>) => Promise<T>;

/**
 * The tools the suite's scenario servers offer, with arguments they accept: `test-tool` on every
 * auth scenario's server, `add_numbers` on `tools_call`'s.
 */
const KNOWN_TOOLS: Readonly<Record<string, Record<string, unknown>>> = {
  'test-tool': {},
  add_numbers: { a: 2, b: 3 },
};

/** What a scenario's server expects of a client once connected: list the tools, call the known one. */
export async function exerciseServer(run: Runner): Promise<string> {
  const { tools } = await run((client) => client.listTools());
  trace(`listed tools: ${tools.map((candidate) => candidate.name).join(', ')}`);
  const tool = tools.find((candidate) => candidate.name in KNOWN_TOOLS);
  if (!tool) return `listed ${tools.length} tool(s)`;
  const result = await run((client) =>
    client.callTool({ name: tool.name, arguments: KNOWN_TOOLS[tool.name] }),
  );
  if (result.isError) throw new Error(`tool ${tool.name} answered with an error`);
  trace(`called ${tool.name}`);
  return `listed ${tools.length} tool(s), called ${tool.name}`;
}
