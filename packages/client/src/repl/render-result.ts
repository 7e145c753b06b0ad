import { isDeepStrictEqual } from 'node:util';
import { formatJson } from './json-colors.ts';
import type { ToolCallOutcome } from './repl-session.ts';
import { summarizeContent } from './summarize-content.ts';

/**
 * A tool result for people. Success: structured content as pretty (optionally coloured) JSON,
 * then text blocks as plain text, then a one-line summary per other block. Failure (`isError`):
 * one `error: …` line per text block.
 */
export function renderToolResult(result: ToolCallOutcome, options: { color: boolean }): string {
  if (result.isError) return renderError(result);
  const lines: string[] = [];
  if (result.structuredContent !== undefined) lines.push(formatJson(result.structuredContent, options.color));
  for (const block of result.content) {
    if (block.type !== 'text') lines.push(summarizeContent(block));
    else if (typeof block.text === 'string' && !repeatsStructured(block.text, result.structuredContent)) {
      lines.push(block.text);
    }
  }
  return lines.length > 0 ? lines.join('\n') : '(the tool returned no content)';
}

function renderError(result: ToolCallOutcome): string {
  const messages = result.content
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    // One line per block, so a multi-line message still reads as one error.
    .map(
      (block) =>
        `error: ${String(block.text)
          .replace(/\s*\n\s*/g, ' ')
          .trim()}`,
    );
  return messages.length > 0 ? messages.join('\n') : 'error: the tool failed without saying why';
}

/**
 * Servers that return structured content usually repeat it as a JSON text block for older
 * clients; printing it twice would only be noise.
 */
function repeatsStructured(text: string, structured: unknown): boolean {
  if (structured === undefined) return false;
  try {
    return isDeepStrictEqual(JSON.parse(text), structured);
  } catch {
    return false;
  }
}
