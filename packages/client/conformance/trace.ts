const started = performance.now();

/** Progress on stderr, which the suite shows (and saves with --output-dir) when a run goes wrong. */
export function trace(step: string): void {
  process.stderr.write(`[harness +${Math.round(performance.now() - started)}ms] ${step}\n`);
}
