/** Any failure as one `error: …` line: the REPL reports and carries on, it never dumps stacks. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return `error: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
}
