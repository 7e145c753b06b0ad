import { parseFlags, UsageError } from '@mcp-auth/shared';
import { AccountService } from '../accounts/account-service.ts';
import { lockAccount, unlockAccount } from '../admin/account-lock.ts';
import { adminAuditFor } from '../admin/admin-audit.ts';
import { isoTime } from '../admin/grant-inventory.ts';
import type { AccountRecord } from '../storage/storage-backend.ts';
import { DuplicateAccountError } from '../storage/storage-backend.ts';
import { shortTime, writeJson } from './command-output.ts';
import { readNewPassword } from './read-password.ts';
import { openStorageFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const USERS_USAGE = `Usage: mcp-auth-as users <add|passwd|remove|list|lock|unlock> [username] [--data-dir DIR | --database-url URL]

  add <username>      create an account; the password is read from standard input
                      (first line) or asked for twice on a terminal
  passwd <username>   set a new password
  remove <username>   delete an account
  list                list accounts, with their last sign-in (--json for scripts)
  lock <username>     the account can no longer sign in (the sign-in page says it is locked),
                      its grants are revoked and its sign-in sessions end
  unlock <username>   it may sign in again (revoked grants stay revoked)`;

/** `mcp-auth-as users …`: manage the people who can sign in. */
export async function runUsersCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseUsersArgs(argv);
  const [action, username, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(`${USERS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!USERS_ACTIONS.has(action)) {
    throw new UsageError(`unknown users action "${action}"; use add, passwd, remove, list, lock or unlock`);
  }
  if (action !== 'list' && !username) throw new UsageError(`users ${action} needs a username`);
  if (action === 'list' && username) throw new UsageError(`unexpected argument "${username}"`);
  const backend = await openStorageFrom(values, env);
  const accounts = new AccountService(backend.accounts);
  try {
    switch (action) {
      case 'list': {
        const listed = (await accounts.list()).map(accountSummary);
        if (values.json) {
          writeJson(io, listed);
          return 0;
        }
        // No header: scripts written for the three columns it had (username, id, created) keep
        // working; last sign-in and status follow them. `--json` names every field.
        for (const account of listed) {
          const row = [
            account.username,
            account.id,
            account.createdAt,
            account.lastSignInAt ? shortTime(account.lastSignInAt) : 'never',
            account.lockedAt ? `locked since ${shortTime(account.lockedAt)}` : 'active',
          ];
          io.stdout.write(`${row.join('\t')}\n`);
        }
        return 0;
      }
      case 'lock': {
        const outcome = await lockAccount(backend, username ?? '');
        if (!outcome.found) {
          io.stderr.write(`no account named ${username}; see mcp-auth-as users list\n`);
          return 1;
        }
        await adminAuditFor(env, io.stderr).userLocked({
          username: username ?? '',
          grantsRevoked: outcome.grantsRevoked,
        });
        io.stdout.write(
          `locked ${username}: ${outcome.grantsRevoked} grant(s) revoked, ${outcome.sessionsEnded} sign-in session(s) ended\n`,
        );
        return 0;
      }
      case 'unlock': {
        if (!(await unlockAccount(backend, username ?? ''))) {
          io.stderr.write(`no account named ${username}; see mcp-auth-as users list\n`);
          return 1;
        }
        await adminAuditFor(env, io.stderr).userUnlocked({ username: username ?? '' });
        io.stdout.write(`unlocked ${username}\n`);
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
        throw new UsageError(
          `unknown users action "${action}"; use add, passwd, remove, list, lock or unlock`,
        );
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
  return parseFlags(argv, {
    ...STORAGE_FLAGS,
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
}

const USERS_ACTIONS: ReadonlySet<string> = new Set(['add', 'passwd', 'remove', 'list', 'lock', 'unlock']);

/**
 * An account as `users list --json` shows it (never its password hash). These field names are
 * documented in the README: keep them stable.
 */
function accountSummary(account: AccountRecord) {
  return {
    username: account.username,
    id: account.id,
    createdAt: isoTime(account.createdAt),
    lastSignInAt: account.lastSignInAt === undefined ? null : isoTime(account.lastSignInAt),
    locked: account.lockedAt !== undefined,
    lockedAt: account.lockedAt === undefined ? null : isoTime(account.lockedAt),
  };
}
