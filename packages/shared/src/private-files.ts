import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Creates a folder only its owner can enter (0700), and tightens an existing one. */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

/**
 * Writes a file only its owner can read (0600), atomically: the content goes to a temporary
 * file in the same folder, is flushed, then renamed over the target (or, with `exclusive`,
 * hard-linked to it, which fails with EEXIST when the target exists), so no reader ever sees
 * half a file and a crash leaves none behind.
 */
export async function writePrivateFile(
  path: string,
  content: string,
  options: { exclusive?: boolean } = {},
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.exclusive) {
      await link(temporary, path);
    } else {
      await rename(temporary, path);
    }
  } finally {
    await rm(temporary, { force: true });
  }
}
