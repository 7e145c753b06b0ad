import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@mcp-auth/test-support/free-port';
import type { ChildMessage, ServerChildConfig } from './server-child.ts';

const SCRIPT = new URL('./server-child.ts', import.meta.url).pathname;

export interface ServerChild {
  readonly port: number;
  readonly pid: number;
  /** The child's memory after a full GC (when started with --expose-gc). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Asks it to exit normally (profiles get written); kills it after 10 s. */
  stop(): Promise<void>;
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`the server child sent no ${type} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: ChildMessage) => {
      if (message.type === type) done(undefined, message as Extract<ChildMessage, { type: T }>);
      else if (message.type === 'failed') done(new Error(`the server child failed: ${message.message}`));
    };
    const onExit = (code: number | null) => done(new Error(`the server child exited (${code})`));
    function done(error?: Error, message?: Extract<ChildMessage, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as Extract<ChildMessage, { type: T }>);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts a server under test in its own Node process (its own event loop and heap). */
export async function startServerChild(
  config: ServerChildConfig,
  options: { execArgv?: string[]; cwd?: string } = {},
): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), SCRIPT, JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  let ready: Extract<ChildMessage, { type: 'ready' }>;
  try {
    ready = await nextMessage(child, 'ready', 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port: ready.port,
    pid: child.pid ?? 0,
    async memory() {
      const reply = nextMessage(child, 'memory', 10_000);
      child.send({ type: 'memory' });
      return (await reply).usage;
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.send({ type: 'stop' });
      await gone;
      clearTimeout(killer);
    },
  };
}

export { freePort };
