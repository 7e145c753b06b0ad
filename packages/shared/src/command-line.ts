import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/** A mistake in how a program was called (a flag, a value, an argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A flag's value as a whole number from 0 to `max`, or a usage mistake that names the flag, the
 * range and what was given. Seven digits at most: a number is never parsed from unbounded input.
 */
export function wholeNumberFlag(flag: string, value: string, max: number): number {
  if (!/^\d{1,7}$/.test(value) || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** Exit codes every program shares; a program may add its own above these (the client does). */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2 } as const;

export interface CommandLineProgram {
  /** The command's name, which starts every error line (`mcp-auth-rs: …`). */
  readonly name: string;
  /** The program itself, given the arguments without `--verbose`; resolves to its exit code. */
  run(argv: string[]): Promise<number>;
  /** Errors besides `UsageError` that also mean the program was called wrongly (exit code 2). */
  readonly isUsageError?: (error: unknown) => boolean;
}

export interface CommandLineIo {
  readonly stderr: { write(text: string): unknown };
  /** Where the exit code goes; `process.exitCode` by default, so pending output is still written. */
  readonly setExitCode: (code: number) => void;
}

const PROCESS_IO: CommandLineIo = {
  stderr: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/**
 * `--verbose`, or a debug log level, asks for the stack behind an error. Anything else a person
 * sees is one line: what went wrong and what to do, never a stack trace.
 */
export function wantsStackTraces(argv: readonly string[]): boolean {
  return argv.some(
    (arg, index) =>
      arg === '--verbose' ||
      arg === '--log-level=debug' ||
      (arg === '--log-level' && argv[index + 1] === 'debug'),
  );
}

/**
 * The ending every bin shares: run the program, then turn a failure into one line on stderr and
 * an exit code (2 for usage, with a pointer to `--help`; 1 for anything else). With `--verbose`
 * the stack of the error and of each underlying cause follows.
 */
export async function runCommandLine(
  program: CommandLineProgram,
  argv: readonly string[] = process.argv.slice(2),
  io: CommandLineIo = PROCESS_IO,
): Promise<number> {
  let code: number;
  try {
    code = await program.run(argv.filter((arg) => arg !== '--verbose'));
  } catch (error) {
    const usage = error instanceof UsageError || program.isUsageError?.(error) === true;
    io.stderr.write(`${program.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) io.stderr.write(`Run ${program.name} --help for usage.\n`);
    if (wantsStackTraces(argv)) writeStackAndCauses(error, io.stderr);
    code = usage ? EXIT_CODES.usage : EXIT_CODES.failure;
  }
  io.setExitCode(code);
  return code;
}

function writeStackAndCauses(error: unknown, stderr: CommandLineIo['stderr']): void {
  for (let current = error; current instanceof Error; current = current.cause) {
    stderr.write(`${current === error ? '' : 'Caused by: '}${current.stack ?? current.message}\n`);
  }
}

/**
 * `node:util` `parseArgs` as the programs use it: the flags given, positionals allowed, and every
 * mistake a `UsageError` (an unknown `--flag`, a flag without its value, a value given to a
 * switch). A word that starts with a single `-` and is not one of the flags is an argument, not a
 * flag: ids the AS makes (grant ids, client ids) may start with `-`. After `--` everything is an
 * argument, too.
 */
export function parseFlags<const Options extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: Options,
): { values: StrictValues<Options>; positionals: string[] } {
  const switches = new Set(
    Object.values(options).flatMap((option) => (option.short ? [`-${option.short}`] : [])),
  );
  // Such words are handed to parseArgs under a name it cannot take for a flag, then given back.
  const words = new Map<string, string>();
  const args = argv.map((arg, index) => {
    if (!/^-[^-]/.test(arg) || switches.has(arg)) return arg;
    const stand = `\u0000${index}`;
    words.set(stand, arg);
    return stand;
  });
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const back = (value: unknown): unknown => {
    if (typeof value === 'string') return words.get(value) ?? value;
    return Array.isArray(value) ? value.map(back) : value;
  };
  const values = Object.fromEntries(
    Object.entries(parsed.values).map(([name, value]) => [name, back(value)]),
  );
  return {
    values: values as StrictValues<Options>,
    positionals: parsed.positionals.map((word) => words.get(word) ?? word),
  };
}

/** What strict `parseArgs` returns as `values` for these options. */
type StrictValues<Options extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; allowPositionals: true; strict: true }>
>['values'];
