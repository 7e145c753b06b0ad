import type { RawOutcome } from './raw-http.ts';
import type { Draft } from './request-draft.ts';

/** Status counts per scenario, for the run's summary and the coverage checks. */
export class FuzzStats {
  readonly byScenario = new Map<string, Map<string, number>>();
  /** Milliseconds spent per scenario (diagnostics only: speed is never asserted). */
  readonly milliseconds = new Map<string, number>();
  total = 0;
  authenticated = 0;

  record(draft: Draft, outcome: RawOutcome, milliseconds: number): void {
    this.total += 1;
    this.milliseconds.set(draft.scenario, (this.milliseconds.get(draft.scenario) ?? 0) + milliseconds);
    if (draft.authenticated) this.authenticated += 1;
    const key = `${draft.scenario}${draft.authenticated ? ' (authenticated)' : ''}`;
    const counts = this.byScenario.get(key) ?? new Map<string, number>();
    const status = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.byScenario.set(key, counts);
  }

  /** How many answers of a scenario had a status the predicate accepts. */
  count(scenarioKey: string, accept: (status: number) => boolean): number {
    let sum = 0;
    for (const [status, count] of this.byScenario.get(scenarioKey) ?? []) {
      if (accept(Number(status))) sum += count;
    }
    return sum;
  }

  /**
   * The scenarios none of whose requests with valid credentials was accepted: were there any,
   * the fuzzer would be testing only the front door (a broken set-up, or used-up credentials).
   */
  unreached(scenarios: readonly string[], accepted: (status: number) => boolean): string[] {
    return scenarios.filter((scenario) => this.count(`${scenario} (authenticated)`, accepted) === 0);
  }

  summary(): string {
    const lines = [`${this.total} requests, ${this.authenticated} with valid credentials`];
    for (const [scenario, counts] of [...this.byScenario].sort(([a], [b]) => a.localeCompare(b))) {
      const statuses = [...counts].sort(([a], [b]) => a.localeCompare(b));
      lines.push(`  ${scenario}: ${statuses.map(([status, count]) => `${status}×${count}`).join(' ')}`);
    }
    const slowest = [...this.milliseconds].sort(([, a], [, b]) => b - a).slice(0, 5);
    lines.push(
      `time by scenario: ${slowest.map(([scenario, ms]) => `${scenario} ${Math.round(ms)} ms`).join(', ')}`,
    );
    return lines.join('\n');
  }
}
