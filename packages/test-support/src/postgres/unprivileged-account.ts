import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The account an embedded PostgreSQL runs as when the tests run as root (PostgreSQL refuses to
 * run as root): `nobody`, which every Linux has, so no account is ever created on the machine.
 */
export async function unprivilegedAccount(passwd = '/etc/passwd'): Promise<Account> {
  const text = await readFile(passwd, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'nobody' && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(
    `running as root, the embedded PostgreSQL needs the account "nobody" (not in ${passwd}); ` +
      'run the tests as another user or set TEST_DATABASE_URL to a running PostgreSQL',
  );
}

/** util-linux's setpriv, which every Debian has, or undefined. */
function findSetpriv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return onPath
    .map((dir) => join(dir, 'setpriv'))
    .find((path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

export interface CommandAs {
  readonly command: string;
  readonly args: string[];
  /** For `spawn`: set when the switch to the account is spawn's own. */
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * How root runs `command` as `account`. With `searchAnyFolder`, that process tree also gets
 * CAP_DAC_READ_SEARCH (search any folder, read any file; write nothing more), through setpriv
 * with no new privileges and nothing else in its bounding set: initdb runs the server binary
 * through /bin/sh, which a sandbox may keep behind a folder only root can enter (the fresh-machine
 * test's hidden /usr/bin is such a bind mount). initdb only, for its second: the server runs
 * without it. Without setpriv, a plain switch of user.
 */
export function commandAs(
  account: Account,
  command: string,
  args: string[],
  options: { searchAnyFolder: boolean; env?: NodeJS.ProcessEnv },
): CommandAs {
  const setpriv = options.searchAnyFolder ? findSetpriv(options.env) : undefined;
  if (!setpriv) return { command, args, uid: account.uid, gid: account.gid };
  const capability = '-all,+dac_read_search';
  return {
    command: setpriv,
    args: [
      `--reuid=${account.uid}`,
      `--regid=${account.gid}`,
      '--clear-groups',
      '--no-new-privs',
      `--bounding-set=${capability}`,
      `--inh-caps=${capability}`,
      `--ambient-caps=${capability}`,
      '--',
      command,
      ...args,
    ],
  };
}
