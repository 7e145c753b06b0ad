import { UsageError } from '@mcp-auth/shared';
import { runClientsCommand } from './clients-command.ts';
import { runServeCommand } from './serve-command.ts';
import { runUsersCommand } from './users-command.ts';

/**
 * `mcp-auth-as`: the only place that reads argv and the environment. Errors become one line on
 * stderr and an exit code (2 for usage, 1 for failures); `--verbose` (or `--log-level debug`)
 * adds the stack and the underlying error.
 */
async function main(argv: string[]): Promise<number> {
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const [command, ...rest] = argv;
  if (command === 'users') return runUsersCommand(rest, process.env, io);
  if (command === 'clients') return runClientsCommand(rest, process.env, io);
  if (command === 'serve') return runServeCommand(rest, process.env, io);
  return runServeCommand(argv, process.env, io);
}

const argv = process.argv.slice(2).filter((arg) => arg !== '--verbose');
const verbose =
  process.argv.includes('--verbose') ||
  argv.some(
    (arg, index) => arg === '--log-level=debug' || (arg === '--log-level' && argv[index + 1] === 'debug'),
  );
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mcp-auth-as: ${message}\n`);
    if (usage) process.stderr.write('Run mcp-auth-as --help for usage.\n');
    if (verbose) writeStackAndCauses(error);
    process.exitCode = usage ? 2 : 1;
  },
);

/** The stack of the error and of each underlying cause: what `--verbose` is for. */
function writeStackAndCauses(error: unknown): void {
  for (let current = error; current instanceof Error; current = current.cause) {
    process.stderr.write(`${current === error ? '' : 'Caused by: '}${current.stack ?? current.message}\n`);
  }
}
