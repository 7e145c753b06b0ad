import { basename } from 'node:path';
import { StorageError } from './storage-error.ts';

/**
 * Turns what `node:sqlite` throws (`code: 'ERR_SQLITE_ERROR'`, `errcode`: SQLite's extended
 * result code, `errstr`: its English text) into a `StorageError` that names the file, the cause
 * and what to do. Anything else is returned unchanged.
 */
export function explainSqliteError(error: unknown, path: string): unknown {
  if (error instanceof StorageError || !isSqliteError(error)) return error;
  const primary = error.errcode & 0xff;
  const code = resultCodeName(error.errcode);
  const explain = EXPLANATIONS[primary];
  const message = explain
    ? explain(path, code, error.errstr)
    : `SQLite failed on ${path}: ${error.errstr} (${code})`;
  return new StorageError(message, { cause: error, temporary: TEMPORARY.has(primary) });
}

/** The sentence for a database that `PRAGMA quick_check` found damaged. */
export function damagedDatabaseMessage(path: string, problem: string): string {
  return `the database ${path} is damaged (${problem}); ${RECOVERY_ADVICE(path)}`;
}

interface SqliteError extends Error {
  readonly errcode: number;
  readonly errstr: string;
}

function isSqliteError(error: unknown): error is SqliteError {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === 'ERR_SQLITE_ERROR' &&
    typeof (error as { errcode?: unknown }).errcode === 'number'
  );
}

// https://www.sqlite.org/rescode.html
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

const PRIMARY_NAMES: Readonly<Record<number, string>> = {
  1: 'ERROR',
  3: 'PERM',
  4: 'ABORT',
  [SQLITE_BUSY]: 'BUSY',
  [SQLITE_LOCKED]: 'LOCKED',
  7: 'NOMEM',
  [SQLITE_READONLY]: 'READONLY',
  [SQLITE_IOERR]: 'IOERR',
  [SQLITE_CORRUPT]: 'CORRUPT',
  [SQLITE_FULL]: 'FULL',
  [SQLITE_CANTOPEN]: 'CANTOPEN',
  [SQLITE_NOTADB]: 'NOTADB',
};

/** SQLITE_IOERR_* in the order of their extended codes (`SQLITE_IOERR | (n << 8)`). */
const IOERR_NAMES = [
  '',
  'READ',
  'SHORT_READ',
  'WRITE',
  'FSYNC',
  'DIR_FSYNC',
  'TRUNCATE',
  'FSTAT',
  'UNLOCK',
  'RDLOCK',
  'DELETE',
  'BLOCKED',
  'NOMEM',
  'ACCESS',
  'CHECKRESERVEDLOCK',
  'LOCK',
  'CLOSE',
  'DIR_CLOSE',
  'SHMOPEN',
  'SHMSIZE',
  'SHMLOCK',
  'SHMMAP',
  'SEEK',
  'DELETE_NOENT',
  'MMAP',
];

/** `SQLITE_FULL`, `SQLITE_IOERR_WRITE`, …, or the numbers when the code is not one we name. */
function resultCodeName(extended: number): string {
  const primary = extended & 0xff;
  const name = PRIMARY_NAMES[primary];
  if (!name) return `SQLite result code ${extended}`;
  const detail = primary === SQLITE_IOERR ? IOERR_NAMES[extended >> 8] : undefined;
  if (detail) return `SQLITE_${name}_${detail}`;
  return extended === primary ? `SQLITE_${name}` : `SQLITE_${name}, extended code ${extended}`;
}

/** Conditions that can pass while the program keeps running: a request may be retried later. */
const TEMPORARY = new Set([SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL]);

const RECOVERY_ADVICE = (path: string) =>
  `stop every program using it and restore it from a backup, or salvage what is readable with ` +
  `"sqlite3 ${path} .recover | sqlite3 ${path}.recovered" and put the result in its place ` +
  `(keep the damaged file)`;

const EXPLANATIONS: Readonly<Record<number, (path: string, code: string, text: string) => string>> = {
  [SQLITE_FULL]: (path, code) =>
    `the disk holding ${path} is full (${code}): free space or choose another --data-dir`,
  [SQLITE_IOERR]: (path, code) =>
    `cannot read or write ${path}: disk I/O error (${code}); the disk may be full, over a file ` +
    `size limit (ulimit -f) or failing: free space or check the disk, or choose another --data-dir`,
  [SQLITE_CORRUPT]: (path, code, text) => damagedDatabaseMessage(path, `${code}: ${text}`),
  [SQLITE_NOTADB]: (path, code) =>
    `${path} is not an SQLite database (${code}); restore it from a backup, or move it away to ` +
    `start with an empty database`,
  [SQLITE_READONLY]: (path, code) =>
    `cannot write ${path}: the database is read-only (${code}); this user must be able to write ` +
    `the file and its folder, where SQLite creates ${basename(path)}-wal and -shm: fix the ` +
    `permissions or choose another --data-dir`,
  [SQLITE_CANTOPEN]: (path, code) =>
    `cannot open ${path} (${code}); this user must be able to read and write it and its folder: ` +
    `fix the permissions or choose another --data-dir`,
  [SQLITE_BUSY]: (path, code) =>
    `the database ${path} stayed locked by another process for more than 5 seconds (${code}); ` +
    `retry, and look for a program holding a long transaction on it`,
  [SQLITE_LOCKED]: (path, code) => `the database ${path} is locked (${code}); retry`,
};
