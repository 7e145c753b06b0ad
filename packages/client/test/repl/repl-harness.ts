import { PassThrough } from 'node:stream';
import type { ReplSession, ToolCallOutcome, ToolInfo } from '../../src/repl/repl-session.ts';
import { type ReplControls, type ReplOptions, runRepl } from '../../src/repl/run-repl.ts';

export const PROMPT = 'mcp> ';

export const TOOLS: ToolInfo[] = [
  {
    name: 'calculator',
    description: 'Evaluates an arithmetic expression\nwith more detail on the next line',
    inputSchema: {
      type: 'object',
      properties: { expression: { type: 'string', description: 'e.g. 2+2' } },
      required: ['expression'],
    },
  },
  {
    name: 'configure',
    description: 'Takes one of each kind of argument',
    inputSchema: {
      type: 'object',
      properties: {
        verbose: { type: 'boolean', description: 'say more' },
        count: { type: 'integer', default: 3 },
        name: { type: 'string', description: 'who to greet' },
        ratio: { type: ['number', 'null'] },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['name', 'ratio'],
    },
  },
  { name: 'slow', inputSchema: { type: 'object' } },
];

export interface FakeSession extends ReplSession {
  /** Every callTool, in order. */
  readonly calls: Array<{ name: string; args: Record<string, unknown>; signal: AbortSignal }>;
  listToolsCount: number;
}

/** A session with TOOLS; callTool answers `structuredContent: { args }` unless overridden. */
export function fakeSession(overrides: Partial<ReplSession> = {}): FakeSession {
  const { callTool: answer = async (_name, args) => echo(args), ...rest } = overrides;
  const session: FakeSession = {
    calls: [],
    listToolsCount: 0,
    async listTools() {
      session.listToolsCount++;
      return TOOLS;
    },
    async callTool(name, args, signal) {
      session.calls.push({ name, args, signal });
      return answer(name, args, signal);
    },
    async status() {
      return ['signed in to https://mcp.example.com', 'the access token expires in 59 minutes'];
    },
    async logout() {
      return 'signed out of https://mcp.example.com';
    },
    ...rest,
  };
  return session;
}

function echo(args: Record<string, unknown>): ToolCallOutcome {
  return { isError: false, structuredContent: { args }, content: [] };
}

export interface RunningRepl {
  type(line: string): void;
  /** Raw key presses, each its own chunk (readline only completes on a Tab that ends a chunk). */
  press(...keys: string[]): Promise<void>;
  end(): void;
  /** Everything written so far. */
  output(): string;
  /** Resolves once the output satisfies `test` (checked on every write). */
  waitFor(test: (output: string) => boolean): Promise<void>;
  readonly controls: ReplControls;
  /** runRepl's own promise. */
  readonly done: Promise<void>;
}

export function startRepl(session: ReplSession, options: Partial<ReplOptions> = {}): RunningRepl {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  const waiters = new Set<() => void>();
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
    for (const check of waiters) check();
  });
  let controls: ReplControls | undefined;
  const done = runRepl({
    session,
    input,
    output,
    terminal: false,
    color: false,
    prompt: PROMPT,
    onReady: (given) => {
      controls = given;
    },
    ...options,
  });
  return {
    type: (line) => input.write(`${line}\n`),
    press: async (...keys) => {
      for (const key of keys) {
        input.write(key);
        await settle();
      }
    },
    end: () => input.end(),
    output: () => written,
    waitFor: (test) =>
      new Promise((resolve) => {
        const check = () => {
          if (!test(written)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    get controls() {
      if (!controls) throw new Error('the REPL is not ready yet');
      return controls;
    },
    done,
  };
}

/** Feeds `lines` as a piped script and returns the output once the REPL has left. */
export async function runScript(
  session: ReplSession,
  lines: string[],
  options: Partial<ReplOptions> = {},
): Promise<string> {
  const repl = startRepl(session, options);
  for (const line of lines) repl.type(line);
  repl.end();
  await repl.done;
  return repl.output();
}

/** The output as lines, without the prompts that a pipe shows in front of them. */
export function outputLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => {
      let rest = line;
      while (rest.startsWith(PROMPT)) rest = rest.slice(PROMPT.length);
      return rest;
    })
    .filter((line) => line !== '');
}

/** A promise with its resolve function, to wait until a fake session is reached. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves after pending I/O callbacks, so events already queued have been handled. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
