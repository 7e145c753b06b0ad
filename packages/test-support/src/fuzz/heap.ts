import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The fuzz tests run the servers in the test's own process, so that a crash is the test's
 * crash and the heap measured is the servers' heap. `npm test` starts that process without
 * `--expose-gc`; V8's flag set at run time exposes `gc` to contexts created afterwards.
 */
function garbageCollector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap in use after full collections: what the process really keeps. */
export async function heapUsedAfterGc(): Promise<number> {
  const gc = garbageCollector();
  for (let round = 0; round < 3; round++) {
    gc();
    // Let finalizers and closing sockets run between collections.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

export const MEGABYTE = 1024 * 1024;
