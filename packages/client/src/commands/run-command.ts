import type { Command } from '../command-line.ts';
import { EXIT, UsageError } from '../connection/errors.ts';
import type { McpConnection } from '../connection/mcp-connection.ts';
import { toolListLines } from './tool-list-lines.ts';

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  line(text: string): void;
  /** Renders a tool result for people (structured content as JSON, then text). */
  renderResult(result: ToolResultLike): string;
}

export interface ToolResultLike {
  isError?: boolean;
  structuredContent?: unknown;
  content: Array<{ type: string; text?: string; [key: string]: unknown }>;
}

function parseToolArguments(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`the arguments are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('the arguments must be a JSON object, e.g. \'{"expression":"2+2"}\'');
  }
  return value as Record<string, unknown>;
}

/** `list` and `call` for scripts: one result, an exit code that says how it went. */
export async function runToolCommand(
  connection: McpConnection,
  command: Command,
  output: Output,
): Promise<number> {
  if (command.kind === 'list') {
    const { tools } = await connection.run((client) => client.listTools());
    if (output.json) {
      output.line(
        JSON.stringify(
          tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
        ),
      );
    } else {
      for (const line of toolListLines(tools)) output.line(line);
    }
    return EXIT.ok;
  }
  if (command.kind === 'call') {
    const args = parseToolArguments(command.argumentsJson);
    const result = (await connection.run((client) =>
      client.callTool({ name: command.tool, arguments: args }),
    )) as ToolResultLike;
    output.line(output.json ? JSON.stringify(result) : output.renderResult(result));
    return result.isError ? EXIT.toolError : EXIT.ok;
  }
  throw new Error(`not a tool command: ${command.kind}`);
}
