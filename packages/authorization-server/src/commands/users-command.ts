import { parseArgs } from 'node:util';
import { UsageError } from '@mcp-auth/shared';
import { AccountService } from '../accounts/account-service.ts';
import { DuplicateAccountError } from '../storage/storage-backend.ts';
import { readNewPassword } from './read-password.ts';
import { openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const USERS_USAGE = `Usage: mcp-auth-as users <add|passwd|remove|list> [username] [--data-dir DIR | --database-url URL]

  add <username>      create an account; the password is read from standard input
                      (first line) or asked for twice on a terminal
  passwd <username>   set a new password
  remove <username>   delete an account
  list                list accounts`;

/** `mcp-auth-as users …`: manage the people who can sign in. */
export async function runUsersCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  let parsed: ReturnType<typeof parseUsersArgs>;
  try {
    parsed = parseUsersArgs(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, username, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${USERS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (action !== 'list' && !username) throw new UsageError(`users ${action} needs a username`);
  const backend = await openStorageFrom(values, env);
  const accounts = new AccountService(backend.accounts);
  try {
    switch (action) {
      case 'list': {
        for (const account of await accounts.list()) {
          io.stdout.write(
            `${account.username}\t${account.id}\t${new Date(account.createdAt * 1000).toISOString()}\n`,
          );
        }
        return 0;
      }
      case 'add': {
        const password = await readNewPassword(io.stdin, io.stdout);
        const account = await accounts.create(username ?? '', password);
        io.stdout.write(`created ${account.username} (${account.id})\n`);
        return 0;
      }
      case 'passwd': {
        const password = await readNewPassword(io.stdin, io.stdout);
        if (!(await accounts.changePassword(username ?? '', password))) {
          io.stderr.write(`no account named ${username}\n`);
          return 1;
        }
        io.stdout.write(`password of ${username} changed\n`);
        return 0;
      }
      case 'remove': {
        if (!(await accounts.remove(username ?? ''))) {
          io.stderr.write(`no account named ${username}\n`);
          return 1;
        }
        io.stdout.write(`removed ${username}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown users action "${action}"; use add, passwd, remove or list`);
    }
  } catch (error) {
    if (error instanceof DuplicateAccountError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await backend.close();
  }
}

function parseUsersArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ...STORAGE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}
