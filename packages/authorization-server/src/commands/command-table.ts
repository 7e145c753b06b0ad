import type { Environment } from '@mcp-auth/shared';
import { runBackupCommand } from './backup-command.ts';
import { runClientsCommand } from './clients-command.ts';
import { runGrantsCommand } from './grants-command.ts';
import { runKeysCommand } from './keys-command.ts';
import { runServeCommand } from './serve-command.ts';
import { runUsersCommand } from './users-command.ts';

/** What a command reads and writes besides its arguments and the environment. */
export interface CommandIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

type Command = (argv: string[], env: Environment, io: CommandIo) => Promise<number>;

const SUBCOMMANDS: ReadonlyMap<string, Command> = new Map([
  ['serve', runServeCommand],
  ['users', runUsersCommand],
  ['clients', runClientsCommand],
  ['grants', runGrantsCommand],
  ['keys', runKeysCommand],
  ['backup', runBackupCommand],
]);

/**
 * `mcp-auth-as [serve] …`, and the operator's commands `users`, `clients`, `grants`, `keys`,
 * `backup`: runs the command and resolves to its exit code. Without a subcommand it serves.
 */
export function runMcpAuthAs(argv: string[], env: Environment, io: CommandIo): Promise<number> {
  const [name = '', ...rest] = argv;
  const command = SUBCOMMANDS.get(name);
  return command ? command(rest, env, io) : runServeCommand(argv, env, io);
}
