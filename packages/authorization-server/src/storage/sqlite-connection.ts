import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FileSystemError, fileSystemReason, whyFolderCannotBeCreated } from '@mcp-auth/shared';
import { damagedDatabaseMessage, explainSqliteError } from './sqlite-errors.ts';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import { StorageError } from './storage-error.ts';

export interface SqliteConnectionOptions {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /**
   * Runs on the new connection before anything is read or written. Tests use it to make the
   * disk "full" without root or special mounts: `PRAGMA max_page_count` fails every write that
   * needs more pages with SQLITE_FULL, as a full disk does.
   */
  readonly onConnect?: (db: DatabaseSync) => void;
}

/**
 * Opens the database ready for use: the file created owner-only when missing, checked (a
 * damaged file, a file that is not a database and one from a newer release are refused before
 * anything is written to them), migrated and tuned. Every failure is a `StorageError` or a
 * `FileSystemError` that names the file, the real cause and what to do.
 *
 * WAL lets readers run beside the single writer, and `busy_timeout` makes a second process (a
 * second `mcp-auth-as` on the same folder, `mcp-auth-as users …`) wait for the write lock
 * instead of failing.
 */
export function openSqliteConnection(options: SqliteConnectionOptions): DatabaseSync {
  const { path } = options;
  const inMemory = path === ':memory:';
  if (!inMemory) createOwnerOnlyFile(path);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000');
    options.onConnect?.(db);
    if (!inMemory) {
      refuseDamaged(db, path);
      refuseNewerSchema(db, path);
      db.exec('PRAGMA journal_mode = WAL');
      tuneForThroughput(db);
    }
    // In WAL mode NORMAL keeps every commit through an application crash and the database
    // consistent through a power loss, which may only undo the latest commits not yet written back
    // (https://www.sqlite.org/pragma.html#pragma_synchronous). That is the promise: keep it.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db);
    if (!inMemory) tightenSidecarFiles(path);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // The error that stopped the opening is the one to report.
    }
    throw explainSqliteError(error, path);
  }
}

/**
 * The database holds accounts' password hashes and grant metadata: owner-only. The file is
 * created here with mode 0600 before SQLite opens it (SQLite treats an empty file as a new
 * database), so it is never readable by others, not even for a moment under a lax umask; an
 * existing file is tightened too. A missing parent directory is created owner-only.
 */
function createOwnerOnlyFile(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    const why = whyFolderCannotBeCreated(folder, error);
    throw new FileSystemError(`cannot create the folder ${folder}: ${why}`, folder, error);
  }
  try {
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  } catch (error) {
    throw new FileSystemError(`cannot create or open ${path}: ${fileSystemReason(error)}`, path, error);
  }
}

/**
 * A file damaged in the middle opens without complaint and fails, or answers wrongly, only when
 * a request reaches the damaged page. `PRAGMA quick_check` reads every page and checks each
 * b-tree's structure (https://www.sqlite.org/pragma.html#pragma_quick_check): measured on a
 * 100 MB database of the AS's own rows, ~140 ms, where `integrity_check` took ~1.4 s. What it
 * leaves out, matching every index entry against its table row, is what that tenfold cost buys;
 * `sqlite3 FILE 'PRAGMA integrity_check'` does it on demand.
 */
function refuseDamaged(db: DatabaseSync, path: string): void {
  const problems = db.prepare('PRAGMA quick_check(5)').all() as Array<{ quick_check: string }>;
  const first = problems[0]?.quick_check;
  if (problems.length === 1 && first === 'ok') return;
  const summary = (first ?? 'no answer').replace(/\s+/g, ' ').trim().slice(0, 160);
  throw new StorageError(damagedDatabaseMessage(path, `quick_check: ${summary}`));
}

function schemaVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

function refuseNewerSchema(db: DatabaseSync, path: string): void {
  const version = schemaVersion(db);
  if (version <= SQLITE_MIGRATIONS.length) return;
  throw new StorageError(
    `${path} was made by a newer mcp-auth-as: its schema version ${version} is newer than this ` +
      `program knows (${SQLITE_MIGRATIONS.length}); upgrade mcp-auth-as, or choose another --data-dir`,
  );
}

/** Applies the migrations this file has not seen yet, tracked in `PRAGMA user_version`. */
function migrate(db: DatabaseSync): void {
  for (let version = schemaVersion(db); version < SQLITE_MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) === version) {
        db.exec(SQLITE_MIGRATIONS[version] ?? '');
        db.exec(`PRAGMA user_version = ${version + 1}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      // After SQLITE_FULL or SQLITE_IOERR (typically at COMMIT, when the pages are written)
      // SQLite may already have rolled the whole transaction back
      // (https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction);
      // a ROLLBACK then fails with "cannot rollback - no transaction is active", which must not
      // take the place of the real cause.
      if (db.isTransaction) {
        try {
          db.exec('ROLLBACK');
        } catch {
          // Reported below: the first error.
        }
      }
      throw error;
    }
  }
}

/**
 * Speed settings for a database file (measured with node:sqlite on the AS's own statements,
 * ~400-byte rows, WAL, `synchronous = NORMAL`; what each one costs is said with it).
 *
 * - `mmap_size`: pages are read straight from the OS page cache through a memory map instead of
 *   being copied into SQLite's own cache (https://www.sqlite.org/mmap.html): a primary-key read
 *   took ~15 % less time. Writes still go through the WAL. The map is address space, not heap;
 *   the OS can drop its pages. Cost, from that page: an I/O error while reading the file becomes
 *   a signal that stops the process instead of an error that fails one request.
 * - `wal_autocheckpoint`: SQLite copies the WAL back into the database, with its fsyncs, every
 *   time the WAL reaches this many pages (default 1000, ~4 MB; https://www.sqlite.org/wal.html#ckpt).
 *   At 4,000 (a ~16 MB WAL file, reused rather than shrunk) that happens four times less often,
 *   and the b-tree pages every write touches are copied once per checkpoint instead of four
 *   times: an upsert went from ~70 to ~57 µs on average (~48 µs at 10,000, which we did not
 *   take). Costs: a checkpoint blocks the event loop (node:sqlite is synchronous) for longer,
 *   less often; and since `synchronous = NORMAL` fsyncs the WAL only at checkpoints, a power
 *   loss or OS crash (a crash of this process loses nothing) can undo up to the last 4,000
 *   pages of commits instead of 1,000. Such an undo may bring back a spent code or refresh
 *   token; NORMAL allowed that before, for a shorter window, and 10,000 would have made the
 *   window ten times the default for 15 % more write speed.
 */
function tuneForThroughput(db: DatabaseSync): void {
  db.exec(`PRAGMA mmap_size = ${256 * 1024 * 1024}`);
  db.exec('PRAGMA wal_autocheckpoint = 4000');
}

/**
 * WAL and shared-memory files hold database pages too. SQLite gives them the database file's
 * mode when it creates them; this also tightens ones left behind by an older, laxer run.
 */
function tightenSidecarFiles(path: string): void {
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  }
}
