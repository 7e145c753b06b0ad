import { constants } from 'node:fs';
import { chmod, open, rm } from 'node:fs/promises';
import { backup, DatabaseSync } from 'node:sqlite';
import { FileSystemError, fileSystemReason } from '@mcp-auth/shared';
import { explainSqliteError } from './sqlite-errors.ts';
import { StorageError } from './storage-error.ts';

/**
 * An online, consistent copy of the SQLite database at `target`, made with SQLite's backup API
 * (https://www.sqlite.org/backup.html, `node:sqlite` `backup()`) while servers keep using the
 * database: the copy is the database as of one moment, whatever is written meanwhile. The target
 * is created owner-only (0600) before anything is written to it, must not exist yet, and is
 * checked (`PRAGMA quick_check`) once written; a failed copy leaves no file behind.
 */
export async function backUpSqliteDatabase(source: string, target: string): Promise<void> {
  await createEmptyPrivateFile(target);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(source, { open: true });
    db.exec('PRAGMA busy_timeout = 5000');
    await backup(db, target);
  } catch (error) {
    await rm(target, { force: true });
    throw explainSqliteError(error, source);
  } finally {
    db?.close();
  }
  await chmod(target, 0o600);
  checkCopy(target);
}

async function createEmptyPrivateFile(path: string): Promise<void> {
  try {
    const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    await handle.close();
  } catch (error) {
    throw new FileSystemError(`cannot create ${path}: ${fileSystemReason(error)}`, path, error);
  }
}

function checkCopy(path: string): void {
  const copy = new DatabaseSync(path, { readOnly: true });
  try {
    const [first] = copy.prepare('PRAGMA quick_check(1)').all() as Array<{ quick_check: string }>;
    if (first?.quick_check !== 'ok') {
      throw new StorageError(
        `the copy ${path} failed its check (${first?.quick_check}); run the backup again`,
      );
    }
  } finally {
    copy.close();
  }
}
