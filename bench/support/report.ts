/** What cases return, and how the runner prints it. */

export interface Row {
  /** What was measured, e.g. "RS tools/call · JWT · 64 conn". */
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Ratios to reference rows measured in the same run, e.g. { 'no-auth': 0.93, bare: 0.08 }. */
  readonly ratios?: Readonly<Record<string, number>>;
  /** Every run's value (the value is their median). */
  readonly samples?: readonly number[];
  readonly note?: string;
}

/** A goal from the performance issue; informational, it never changes the exit code. */
export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly actual: string;
  readonly met: boolean;
}

export interface CaseOutcome {
  readonly rows: Row[];
  readonly targets?: Target[];
  readonly details?: Record<string, unknown>;
  readonly skipped?: string[];
}

export interface BenchContext {
  readonly quick: boolean;
  /** Repetitions of each measurement; values are medians over them. */
  readonly runs: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** One longer unmeasured load per server before the first run: the JIT takes thousands of requests. */
  readonly prewarmMs: number;
  readonly log: (line: string) => void;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function formatRatios(ratios: Row['ratios']): string {
  if (!ratios) return '';
  return Object.entries(ratios)
    .filter(([, value]) => Number.isFinite(value))
    .map(([name, value]) => `${value.toFixed(2)}× ${name}`)
    .join(', ');
}

/** A plain-text table (and the same as Markdown, for docs). */
export function renderTable(rows: readonly Row[], style: 'text' | 'markdown' = 'text'): string {
  const header = ['Case', 'Metric', 'Value', 'Ratio'];
  const body = rows.map((row) => [
    row.case,
    row.metric,
    formatValue(row.value, row.unit),
    [formatRatios(row.ratios), row.note ?? ''].filter(Boolean).join('; '),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    style === 'markdown'
      ? `| ${cells.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`
      : cells
          .map((cell, column) =>
            column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
          )
          .join('  ')
          .trimEnd();
  const rule =
    style === 'markdown'
      ? `| ${widths.map((width, column) => (column === 2 ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`
      : widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function renderTargets(targets: readonly Target[]): string {
  return targets
    .map(
      (target) =>
        `${target.met ? 'met    ' : 'NOT met'}  ${target.name}: ${target.actual} (goal ${target.goal})`,
    )
    .join('\n');
}
