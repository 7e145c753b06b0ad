import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileSystemError, fileSystemReason, whyFolderCannotBeCreated } from './file-system-errors.ts';

/**
 * Creates a folder only its owner can enter (0700), and tightens an existing one. Fails with a
 * `FileSystemError` that names the folder and the real obstacle.
 */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new FileSystemError(
      `cannot create the folder ${path}: ${whyFolderCannotBeCreated(path, error)}`,
      path,
      error,
    );
  }
  try {
    await chmod(path, 0o700);
  } catch (error) {
    throw new FileSystemError(
      `cannot make the folder ${path} private (chmod 700, which only its owner may do): ${fileSystemReason(error)}`,
      path,
      error,
    );
  }
}

/**
 * Writes a file only its owner can read (0600), atomically: the content goes to a temporary
 * file in the same folder, is flushed, then renamed over the target (or, with `exclusive`,
 * hard-linked to it, which fails with EEXIST when the target exists), so no reader ever sees
 * half a file and a crash leaves none behind. Fails with a `FileSystemError` naming the file
 * (its `code` is still `EEXIST` when an exclusive write finds the file there).
 */
export async function writePrivateFile(
  path: string,
  content: string,
  options: { exclusive?: boolean } = {},
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      await link(temporary, path);
    } else {
      await rename(temporary, path);
    }
  } catch (error) {
    throw new FileSystemError(`cannot write ${path}: ${fileSystemReason(error)}`, path, error);
  } finally {
    await rm(temporary, { force: true });
  }
}
