/**
 * Keeps an embedded PostgreSQL alive exactly as long as the process that started it (see
 * supervised-postgres.ts): prints one JSON line, `{"url", "folder"}` or `{"error"}`, then stops the
 * server and deletes its folder when its standard input closes, which the system does when that
 * process ends, however it ends (normal exit, crash, Ctrl-C, SIGKILL).
 */
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const started = startEmbeddedPostgres();
started.then(
  (database) => process.stdout.write(`${JSON.stringify({ url: database.url, folder: database.folder })}\n`),
  (error: Error) => {
    process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
    process.exit(1);
  },
);

let stopping = false;
async function stopAndExit(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    // Asked to stop while starting: let the start finish, so nothing is left half-made.
    await (await started.catch(() => undefined))?.stop();
  } finally {
    process.exit(0);
  }
}
process.stdin.on('end', stopAndExit).on('close', stopAndExit).resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopAndExit);
