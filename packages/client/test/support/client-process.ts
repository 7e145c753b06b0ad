import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN_DIR = join(REPOSITORY, 'node_modules', '.bin');
export const CHROMIUM_BROWSER = fileURLToPath(new URL('./chromium-browser.ts', import.meta.url));
/** Signs in over plain HTTP instead of Chromium, for tests about the client rather than the pages. */
export const FETCH_BROWSER = fileURLToPath(new URL('./fetch-browser.ts', import.meta.url));
const LISTEN_RECORDER = new URL('./record-listening.ts', import.meta.url).href;

/** Environment that makes the client write each port it listens on to `log` (record-listening.ts). */
export function listenRecorderEnv(log: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${LISTEN_RECORDER}`, TEST_LISTEN_LOG: log };
}

/** The ports recorded in `log` so far, one per `listen` call. */
export async function recordedListens(log: string): Promise<unknown[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mcp-auth-client …` as a person would, with the workspace bins and this Node on PATH. */
export function runClient(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ClientRun> {
  const client = startClient(args, env, options);
  client.end(options.input ?? '');
  return client.done;
}

export interface InteractiveClient {
  /** Types one line on the client's stdin. */
  send(line: string): void;
  /** Ends stdin (Ctrl-D), after writing `text`. */
  end(text?: string): void;
  /** What the client wrote so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once the output satisfies `test`; rejects if the client exits first. */
  waitFor(test: (output: { stdout: string; stderr: string }) => boolean): Promise<void>;
  /** How the client ended (it is killed after `timeoutMs`, code null). */
  readonly done: Promise<ClientRun>;
}

/** Starts `mcp-auth-client …` with its stdin kept open, to be driven line by line (the REPL). */
export function startClient(
  args: string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): InteractiveClient {
  const child = spawn('mcp-auth-client', args, {
    env: {
      ...process.env,
      ...env,
      PATH: `${BIN_DIR}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of waiters) check();
  };
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
    notify();
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk;
    notify();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  let exited = false;
  const done = new Promise<ClientRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      exited = true;
      notify();
      resolve({ code, ...output });
    });
  });
  return {
    send: (line) => child.stdin.write(`${line}\n`),
    end: (text = '') => child.stdin.end(text),
    output: () => ({ ...output }),
    waitFor: (test) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (test(output)) {
            waiters.delete(check);
            resolve();
          } else if (exited) {
            waiters.delete(check);
            reject(new Error(`the client exited first:\n${output.stdout}\n${output.stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
    done,
  };
}
