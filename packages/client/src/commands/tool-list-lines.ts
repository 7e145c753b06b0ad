/** A tool as `list` shows it. */
export interface ListedTool {
  readonly name: string;
  readonly description?: string | undefined;
}

/**
 * `list` output, the same for the REPL and the one-shot command: one line per tool, names in
 * one column, then the first line of the description.
 */
export function toolListLines(tools: readonly ListedTool[]): string[] {
  const width = Math.max(0, ...tools.map((tool) => tool.name.length));
  return tools.map((tool) => {
    const summary = tool.description?.trim().split('\n', 1)[0]?.trim() ?? '';
    return summary ? `${tool.name.padEnd(width)}  ${summary}` : tool.name;
  });
}
