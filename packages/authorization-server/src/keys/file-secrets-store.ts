import { readFile } from 'node:fs/promises';
import { FileSystemError, fileSystemReason, writePrivateFile } from '@mcp-auth/shared';
import { isServerSecrets, type SecretsStore, type ServerSecrets } from './server-secrets.ts';

/** Keeps the AS's secrets in one owner-only JSON file in the data folder. */
export function fileSecretsStore(path: string): SecretsStore {
  return {
    async loadOrCreate(create) {
      const existing = await readSecretsFile(path);
      if (existing) return existing;
      const created = await create();
      await writePrivateFile(path, `${JSON.stringify(created, null, 2)}\n`, { exclusive: true }).catch(
        async (error: NodeJS.ErrnoException) => {
          // Another process created the file between our read and our write: use theirs.
          if (error.code !== 'EEXIST') throw error;
        },
      );
      return (await readSecretsFile(path)) ?? created;
    },
  };
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
  if (!isServerSecrets(parsed)) {
    throw new Error(
      `${path} does not hold signing and cookie keys; restore it or remove it to generate new keys`,
    );
  }
  return parsed;
}
