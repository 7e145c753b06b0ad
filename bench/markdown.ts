/**
 * Renders a results file of `npm run bench` as Markdown (for docs/PERFORMANCE.md), with the
 * spread of the runs behind each median.
 *
 *   node bench/markdown.ts [bench-results/latest.json …]
 */
import { readFile } from 'node:fs/promises';
import { formatValue, type Row, type Target } from './support/report.ts';

interface Results {
  readonly generatedAt: string;
  readonly mode: string;
  readonly settings: { runs: number; durationMs: number };
  readonly environment: { node: string; cpuCount: number; cpuModel: string; platform: string };
  readonly rows: Row[];
  readonly targets: Target[];
}

function spread(row: Row): string {
  const samples = (row.samples ?? []).filter((value) => Number.isFinite(value));
  if (samples.length < 2) return '';
  const digits = row.value >= 100 ? 0 : 1;
  return `${Math.min(...samples).toFixed(digits)}–${Math.max(...samples).toFixed(digits)}`;
}

function ratios(row: Row): string {
  return Object.entries(row.ratios ?? {})
    .filter(([, value]) => Number.isFinite(value))
    .map(([name, value]) => `${value.toFixed(2)}× ${name}`)
    .join(', ');
}

const cell = (text: string) => text.replaceAll('|', '\\|');

for (const file of process.argv.slice(2).length ? process.argv.slice(2) : ['bench-results/latest.json']) {
  const results = JSON.parse(await readFile(file, 'utf8')) as Results;
  const { environment: env, settings } = results;
  process.stdout.write(
    `<!-- ${file}: ${results.mode} run of ${results.generatedAt}, ${settings.runs} run(s) × ${settings.durationMs / 1000} s; node ${env.node}, ${env.cpuCount} × ${env.cpuModel}, ${env.platform} -->\n\n`,
  );
  process.stdout.write(
    '| Case | Metric | Median | Runs (min–max) | Ratio | Note |\n|---|---|--:|--:|---|---|\n',
  );
  for (const row of results.rows) {
    process.stdout.write(
      `| ${cell(row.case)} | ${row.metric} | ${formatValue(row.value, row.unit)} | ${spread(row)} | ${ratios(row)} | ${cell(row.note ?? '')} |\n`,
    );
  }
  if (results.targets.length) {
    process.stdout.write('\n| Target | Goal | Measured | |\n|---|---|---|---|\n');
    for (const target of results.targets) {
      process.stdout.write(
        `| ${cell(target.name)} | ${target.goal} | ${target.actual} | ${target.met ? 'met' : '**not met**'} |\n`,
      );
    }
  }
  process.stdout.write('\n');
}
