import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';

/** A separate thread with its own SQLite connection, racing the others to consume the same keys. */
const { path, keys, start } = workerData as { path: string; keys: string[]; start: Int32Array };
const backend = openSqliteBackend({ path });
parentPort?.postMessage('ready');
Atomics.wait(start, 0, 0); // every worker starts at the same moment
const won: string[] = [];
for (const key of keys) {
  if ((await backend.artifacts.consume('AuthorizationCode', key)).outcome === 'consumed') won.push(key);
}
await backend.close();
parentPort?.postMessage(won);
