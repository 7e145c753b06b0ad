/** Where a command writes: what it was asked for on stdout, notes for a person on stderr. */
export interface CommandOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** `--json`: one JSON document on stdout (an array for lists, an object for one thing). */
export function writeJson(io: CommandOutput, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A list for people: a header line, then one line per row, columns separated by tabs (so `cut -f`
 * works too; `--json` is the stable format for scripts). An empty cell is shown as `-`.
 */
export function writeTable(
  io: CommandOutput,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const lines = [header, ...rows].map((row) => row.map((cell) => cell || '-').join('\t'));
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** An ISO 8601 time without its milliseconds, or `-`. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-';
}
