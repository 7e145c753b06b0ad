import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Environment, parseFlags, UsageError, writePrivateFile } from '@mcp-auth/shared';
import { adminAuditFor } from '../admin/admin-audit.ts';
import { dataDirFiles, openStorage } from '../storage/open-storage.ts';
import { backUpSqliteDatabase } from '../storage/sqlite-backup.ts';
import { databaseFrom, dataDirFrom, STORAGE_FLAGS } from './storage-flags.ts';

export const BACKUP_USAGE = `Usage: mcp-auth-as backup FILE [--data-dir DIR]

An online, consistent copy of the SQLite database to FILE, and of the keys (secrets.json) to
FILE.secrets.json, both readable only by you; the server may keep running. Neither file may exist.

To restore: stop every mcp-auth-as using the data folder, copy FILE to
<data-dir>/${dataDirFiles.database} and FILE.secrets.json to <data-dir>/${dataDirFiles.secrets},
delete <data-dir>/${dataDirFiles.database}-wal and -shm if present, and start it again.

PostgreSQL deployments (--database-url) back up with pg_dump instead: see the README.`;

const PG_DUMP_ADVICE =
  'backup copies the SQLite database of a data folder; for PostgreSQL use pg_dump, e.g. ' +
  'pg_dump --format=custom --file=mcp-auth.dump "$DATABASE_URL" (--schema=NAME with --database-schema); ' +
  'it includes the keys (table server_secrets), so keep the dump private';

/** `mcp-auth-as backup FILE`: see BACKUP_USAGE. */
export async function runBackupCommand(
  argv: string[],
  env: Environment,
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const { values, positionals } = parseBackupArgs(argv);
  if (values.help) {
    io.stdout.write(`${BACKUP_USAGE}\n`);
    return 0;
  }
  if (databaseFrom(values, env).database) throw new UsageError(PG_DUMP_ADVICE);
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError('backup needs the FILE to write the copy to');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const databaseFile = resolve(file);
  const secretsFile = `${databaseFile}.secrets.json`;
  for (const target of [databaseFile, secretsFile]) {
    if (existsSync(target))
      throw new UsageError(`${target} exists already; choose another FILE or move it away`);
  }
  const dataDir = dataDirFrom(values, env);
  const source = join(dataDir, dataDirFiles.database);
  if (!existsSync(source)) {
    io.stderr.write(`no database at ${source}: nothing to back up; check --data-dir\n`);
    return 1;
  }
  await backUpSqliteDatabase(source, databaseFile);
  try {
    await copySecrets(join(dataDir, dataDirFiles.secrets), secretsFile);
  } catch (error) {
    await rm(databaseFile, { force: true });
    throw error;
  }
  const backend = await openStorage(dataDir);
  try {
    await adminAuditFor(env, io.stderr).backupWritten({ databaseFile, secretsFile });
  } finally {
    await backend.close();
  }
  io.stdout.write(`database  ${databaseFile}\nkeys      ${secretsFile}\n`);
  io.stderr.write(
    `To restore: stop the server, copy them to ${join(dataDir, dataDirFiles.database)} and ${join(dataDir, dataDirFiles.secrets)}, delete the -wal and -shm files beside the database, start it.\n`,
  );
  return 0;
}

/** The keys, owner-only; a data folder whose server never started has none yet (said, not failed). */
async function copySecrets(source: string, target: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`${source} does not exist: start mcp-auth-as once to create the keys, then back up`);
  }
  await writePrivateFile(target, text, { exclusive: true });
}

function parseBackupArgs(argv: string[]) {
  return parseFlags(argv, { ...STORAGE_FLAGS, help: { type: 'boolean', short: 'h' } });
}
