import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the errno codes a person meets on a data folder mean, in words (see errno(3)). */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the size limit (ulimit -f)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'a folder on the path does not exist',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links on the path',
  EIO: 'input/output error (the disk may be failing)',
};

/** `permission denied (EACCES)` for a Node file-system error; the plain message for anything else. */
export function fileSystemReason(error: unknown): string {
  const code = errnoCode(error);
  if (code) return `${REASONS[code] ?? (error as Error).message} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** The errno code (`EACCES`, …) of a Node file-system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * A file-system operation that failed, said as one sentence that names the path and the real
 * cause. `code` stays the errno code, so callers can still tell the cases apart.
 */
export class FileSystemError extends Error {
  readonly code: string | undefined;
  readonly path: string;

  constructor(message: string, path: string, cause: unknown) {
    super(message, { cause });
    this.name = 'FileSystemError';
    this.path = path;
    this.code = errnoCode(cause);
  }
}

/**
 * Why `mkdir -p path` failed, found by looking at the nearest part of the path that exists:
 * a recursive mkdir reports the path it was given, and sometimes only ENOENT, when the real
 * obstacle is a file or a read-only, unwritable folder further up.
 */
export function whyFolderCannotBeCreated(path: string, error: unknown): string {
  let existing = path;
  while (existing !== dirname(existing) && !exists(existing)) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) return `${existing} is a file, not a folder (ENOTDIR)`;
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (problem) {
    return `${existing}: ${fileSystemReason(problem)}`;
  }
  return fileSystemReason(error);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
