import { Agent, get as httpGet } from 'node:http';
import fc from 'fast-check';
import type { FuzzStats } from './fuzz-stats.ts';
import { watchProcessErrors } from './process-errors.ts';
import { type RawOutcome, type RawRequest, sendRawRequest } from './raw-http.ts';
import type { RecordingLogger } from './recording-logger.ts';
import { type CredentialPools, type Draft, renderDraft } from './request-draft.ts';

/** A liveness bound for one request, not a speed assertion: a server that takes longer hangs. */
export const ANSWER_TIMEOUT_MS = 10_000;

export interface FuzzTarget {
  readonly name: string;
  readonly port: number;
  /** A `Host` the server accepts, for its liveness probe. */
  readonly host: string;
}

export type Response = Extract<RawOutcome, { kind: 'response' }>;

export interface Exchange {
  readonly draft: Draft;
  readonly request: RawRequest;
  readonly outcome: RawOutcome;
}

export interface FuzzRun {
  readonly target: FuzzTarget;
  readonly requests: fc.Arbitrary<Draft>;
  readonly pools: CredentialPools;
  /** How many requests when FUZZ_RUNS does not say. */
  readonly defaultRuns: number;
  /** Offset added to the base seed, so each run of a file has its own yet replayable seed. */
  readonly seedOffset: number;
  readonly serverLog: RecordingLogger;
  /** Before a request is sent (e.g. make the AS unreachable for it). */
  readonly prepare?: (draft: Draft) => void;
  /** Learns from an answer what later requests may use (a rotated refresh token, a new session). */
  readonly observe?: (exchange: Exchange, response: Response) => void | Promise<void>;
  /** The documented exceptions to "never a 5xx" (say where each is documented). */
  readonly documentedServerError?: (exchange: Exchange, response: Response) => boolean;
  /** Response shapes the specifications require; returns what is wrong. */
  readonly check?: (exchange: Exchange, response: Response) => string[];
  /** The liveness bound per request (default ANSWER_TIMEOUT_MS). */
  readonly answerTimeoutMs?: number;
  /** Where FUZZ_SEED, FUZZ_RUNS, FUZZ_PATH and FUZZ_SURVEY are read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Shrinking re-sends requests; with a hang each try costs the whole time limit. Past this much
 * time after the first failure, shrinking stops where it is (the failure is reported as shrunk so far).
 */
const SHRINKING_BUDGET_MS = 60_000;

/** One random base seed per test file: its runs use it plus their offset, so one value replays them all. */
const randomBaseSeed = (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;

/**
 * FUZZ_SEED, FUZZ_RUNS and FUZZ_PATH replay or extend a run; without them the seed is random.
 * FUZZ_SURVEY=1 goes on after a violation and lists every distinct one at the end (no shrinking).
 */
export function fuzzSettings(env: Readonly<Record<string, string | undefined>> = process.env) {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : randomBaseSeed;
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : undefined;
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${env.FUZZ_SEED}`);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) {
    throw new Error(`FUZZ_RUNS must be a positive integer, got ${env.FUZZ_RUNS}`);
  }
  return { seed, runs, path: env.FUZZ_PATH || undefined, survey: env.FUZZ_SURVEY === '1' };
}

/**
 * Sends the generated requests one after the other and checks, for each: an answer within the
 * time limit (no hang), no 5xx but the documented ones, the shapes the specifications require,
 * no unhandled error anywhere in the process, and the server still answering its liveness probe
 * (no crash). A failure names the seed and path that replay it.
 */
export async function runFuzz(run: FuzzRun, stats: FuzzStats): Promise<void> {
  const settings = fuzzSettings(run.env);
  const seed = settings.seed + run.seedOffset;
  const numRuns = settings.runs ?? run.defaultRuns;
  const timeoutMs = run.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  // Printed first, so that even a run stopped by the test runner's timeout can be replayed.
  console.log(
    `fuzzing ${run.target.name}: ${numRuns} requests, FUZZ_SEED=${settings.seed} (+${run.seedOffset})`,
  );
  const processErrors = watchProcessErrors();
  const survey = new Map<string, { count: number; example: string }>();
  let firstFailureAt: number | undefined;
  const property = fc.asyncProperty(run.requests, async (draft) => {
    if (firstFailureAt !== undefined && performance.now() - firstFailureAt > SHRINKING_BUDGET_MS) return;
    const mark = run.serverLog.mark();
    const errorsBefore = processErrors.errors.length;
    run.prepare?.(draft);
    const request = renderDraft(draft, run.pools);
    const started = performance.now();
    const outcome = await sendRawRequest(request, { port: run.target.port, timeoutMs });
    stats.record(draft, outcome, performance.now() - started);
    const exchange: Exchange = { draft, request, outcome };
    const problems = outcomeProblems(exchange, timeoutMs);
    if (outcome.kind === 'response') {
      if (outcome.status >= 500 && !run.documentedServerError?.(exchange, outcome)) {
        problems.push(`answered ${outcome.status}: no 5xx is documented for this request`);
      }
      problems.push(...(run.check?.(exchange, outcome) ?? []));
      await run.observe?.(exchange, outcome);
    }
    const alive = await livenessProblem(run.target, timeoutMs);
    if (alive) problems.push(alive);
    if (processErrors.errors.length > errorsBefore) {
      problems.push(
        `unhandled error in the process: ${processErrors.errors.slice(errorsBefore).map(describeError).join('; ')}`,
      );
    }
    if (problems.length === 0) return;
    const failure = describeFailure(exchange, problems, run.serverLog.since(mark));
    if (!settings.survey) {
      firstFailureAt ??= performance.now();
      throw new Error(failure);
    }
    for (const problem of problems) {
      const kind = `${draft.scenario}: ${problem.replace(/\d+/g, 'N')}`;
      const seen = survey.get(kind);
      survey.set(kind, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? failure });
    }
  });
  try {
    const details = await fc.check(property, {
      numRuns,
      seed,
      ...(settings.path ? { path: settings.path } : {}),
    });
    if (details.failed) {
      const replay =
        `replay the whole sequence (server state included): FUZZ_SEED=${settings.seed} FUZZ_RUNS=${numRuns}; ` +
        `only the shrunk request: FUZZ_SEED=${settings.seed} FUZZ_PATH=${details.counterexamplePath}`;
      const cause =
        details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance;
      throw new Error(`${run.target.name}: ${replay}\n${fc.defaultReportMessage(details)}\n${String(cause)}`);
    }
    if (survey.size > 0) {
      const kinds = [...survey].map(([kind, { count, example }]) => `● ${kind} (×${count})\n${example}`);
      throw new Error(
        `${run.target.name}: ${survey.size} kinds of violation (FUZZ_SEED=${settings.seed})\n${kinds.join('\n')}`,
      );
    }
  } finally {
    processErrors.dispose();
  }
}

/**
 * Closing the connection is an answer to a lie in the framing (RFC 9112 §6.3: the server cannot
 * tell where the message ends, or what follows is garbage; it may reset before the client has
 * read what was sent) and to CONNECT (no tunnels here).
 */
function closeIsAnAnswer(request: RawRequest): boolean {
  const framingLie = ['declared-longer', 'declared-shorter', 'length-and-chunked'].includes(request.framing);
  return framingLie || request.method === 'CONNECT';
}

function outcomeProblems({ request, outcome }: Exchange, timeoutMs: number): string[] {
  if (outcome.kind === 'timeout') return [`no answer within ${timeoutMs} ms (the server hangs)`];
  if (outcome.kind === 'closed') {
    return closeIsAnAnswer(request) ? [] : [`the connection closed without an answer (${outcome.reason})`];
  }
  if (!Number.isInteger(outcome.status)) return ['the answer is not HTTP/1.1'];
  if (outcome.status === 405 && !outcome.headers.has('allow')) {
    // RFC 9110 §15.5.6: the origin server MUST generate an Allow header field in a 405 response.
    return ['405 without an Allow header (RFC 9110 §15.5.6)'];
  }
  return [];
}

/** The liveness probe reuses one kept-alive connection: it runs after every request. */
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });

async function livenessProblem(target: FuzzTarget, timeoutMs: number): Promise<string | undefined> {
  const status = await new Promise<number | string>((resolve) => {
    const probe = httpGet(
      {
        agent: probeAgent,
        host: '127.0.0.1',
        port: target.port,
        path: '/healthz',
        headers: { host: target.host },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 'no status'));
      },
    );
    probe.setTimeout(timeoutMs, () => probe.destroy(new Error('timeout')));
    probe.on('error', (error) => resolve(error.message));
  });
  return status === 200 ? undefined : `GET /healthz no longer answers 200 afterwards (${status})`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function excerpt(bytes: Uint8Array | string, limit: number): string {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1');
  const shown = JSON.stringify(text.slice(0, limit));
  return text.length > limit ? `${shown}… (${text.length} bytes)` : shown;
}

function describeFailure(exchange: Exchange, problems: string[], serverLog: string[]): string {
  const { draft, request, outcome } = exchange;
  const lines = [
    `${problems.join('; ')}`,
    `scenario: ${draft.scenario}${draft.authenticated ? ' (with valid credentials)' : ''}${draft.conditions?.length ? `; ${draft.conditions.join(', ')}` : ''}`,
    `request: ${excerpt(`${request.method} ${request.target}`, 300)} framing=${request.framing}`,
    `  headers: ${excerpt(request.headers.map(([name, value]) => `${name}: ${value}`).join(' | '), 600)}`,
    `  body: ${excerpt(request.body, 300)}`,
  ];
  if (outcome.kind === 'response') {
    lines.push(
      `answer: ${outcome.status} ${excerpt([...outcome.headers].map(([name, values]) => `${name}: ${values.join(', ')}`).join(' | '), 400)}`,
      `  body: ${excerpt(outcome.body, 400)}`,
    );
  }
  if (serverLog.length > 0) lines.push('server log:', ...serverLog.map((line) => `  ${line.trim()}`));
  return lines.join('\n');
}
