import { readFile } from 'node:fs/promises';

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
