import { constants } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { FileSystemError, fileSystemReason, writePrivateFile } from '@mcp-auth/shared';
import { parseServerSecrets, type SecretsStore, type ServerSecrets } from './server-secrets.ts';

/** How long a writer waits for another's lock before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock older than this was left by a writer that died: it is taken over. */
const STALE_LOCK_MS = 60_000;

/**
 * Keeps the AS's secrets in one owner-only JSON file in the data folder. Every write replaces the
 * whole file at once (write-then-rename): a reader sees the old or the new file, never half.
 * Writers that change existing secrets (`update`: `keys rotate`, a running server dropping
 * expired keys) take `<file>.lock` first, so that two of them never base a write on the same old
 * content.
 */
export function fileSecretsStore(path: string): SecretsStore {
  return {
    async loadOrCreate(create) {
      const existing = await readSecretsFile(path);
      if (existing) return existing;
      const created = await create();
      await writePrivateFile(path, serialise(created), { exclusive: true }).catch(
        async (error: NodeJS.ErrnoException) => {
          // Another process created the file between our read and our write: use theirs.
          if (error.code !== 'EEXIST') throw error;
        },
      );
      return (await readSecretsFile(path)) ?? created;
    },
    load: () => readSecretsFile(path),
    async update(change) {
      const release = await acquireLock(`${path}.lock`);
      try {
        const current = await readSecretsFile(path);
        if (!current)
          throw new Error(`${path} does not exist yet: start mcp-auth-as once to create the keys`);
        const next = change(current);
        if (!next) return current;
        await writePrivateFile(path, serialise(next));
        return next;
      } finally {
        await release();
      }
    },
  };
}

function serialise(secrets: ServerSecrets): string {
  return `${JSON.stringify(secrets, null, 2)}\n`;
}

async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new FileSystemError(`cannot create ${lockPath}: ${fileSystemReason(error)}`, lockPath, error);
      }
    }
    const age = await stat(lockPath).then(
      (stats) => Date.now() - stats.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${lockPath} is held by another mcp-auth-as; try again, or delete it if none is running`,
      );
    }
    await delay(50);
  }
}

async function readSecretsFile(path: string): Promise<ServerSecrets | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Node's read errors do not say which file: this one does.
    throw new FileSystemError(`cannot read ${path}: ${fileSystemReason(error)}`, path, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; restore it from a backup or remove it to generate new keys`);
  }
  const secrets = parseServerSecrets(parsed);
  if (!secrets) {
    throw new Error(
      `${path} does not hold signing and cookie keys; restore it or remove it to generate new keys`,
    );
  }
  return secrets;
}
