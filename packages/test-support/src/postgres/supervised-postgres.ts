import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SUPERVISOR = fileURLToPath(new URL('./postgres-supervisor.ts', import.meta.url));

export interface SupervisedPostgres {
  readonly url: string;
  /** Its temp folder, deleted when it stops. */
  readonly folder: string;
  /** Stops the server and deletes its folder, now. */
  stop(): Promise<void>;
  /**
   * Lets this process end without calling `stop()`: the server then stops when this process
   * ends (its supervisor sees its standard input close).
   */
  releaseWithProcess(): void;
}

/**
 * Starts an embedded PostgreSQL in a supervisor process whose life is tied to this one, so the
 * server and its temp folder never outlive the tests, whether they end well or are killed.
 */
export async function startSupervisedPostgres(): Promise<SupervisedPostgres> {
  const child = spawn(process.execPath, [SUPERVISOR], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    exited.then(() => ['{"error":"the PostgreSQL supervisor exited before it was ready"}']),
  ])) as [string];
  lines.close();
  child.stdout.destroy();
  const answer = JSON.parse(first) as { url?: string; folder?: string; error?: string };
  if (!answer.url || !answer.folder) {
    child.stdin.end();
    await exited;
    throw new Error(`could not start an embedded PostgreSQL: ${answer.error}`);
  }
  return {
    url: answer.url,
    folder: answer.folder,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      await exited;
    },
    releaseWithProcess() {
      // The pipe stays open (closing it stops the server) but no longer keeps this process alive.
      (child.stdin as unknown as Socket).unref();
      child.unref();
    },
  };
}
