import { errnoCode, FileSystemError, fileSystemReason } from '@mcp-auth/shared';
import { StorageError } from './storage-error.ts';

/** What to do about a file-system error in the data folder, by its errno code. */
function adviceFor(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'free space or choose another --data-dir';
    case 'EROFS':
      return 'choose a --data-dir on a writable file system';
    case 'EISDIR':
      return 'move it out of the way or choose another --data-dir';
    case 'ENOTDIR':
    case 'EEXIST':
    case 'ENAMETOOLONG':
      return 'choose another --data-dir';
    default:
      return 'fix the permissions or choose another --data-dir';
  }
}

/**
 * A file-system failure in the data folder (creating it, the database file, `secrets.json`, …)
 * as a `StorageError`: the path, the real cause and what to do, in one sentence. Errors that say
 * this already, and errors of other kinds, are returned unchanged.
 */
export function explainDataDirError(error: unknown): unknown {
  if (error instanceof FileSystemError) {
    return new StorageError(`${error.message}; ${adviceFor(error.code)}`, { cause: error });
  }
  const code = errnoCode(error);
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  if (!code || !path || error instanceof StorageError) return error;
  const action = (error as NodeJS.ErrnoException).syscall ?? 'use';
  return new StorageError(`cannot ${action} ${path}: ${fileSystemReason(error)}; ${adviceFor(code)}`, {
    cause: error,
  });
}
