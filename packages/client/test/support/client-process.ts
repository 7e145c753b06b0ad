import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN_DIR = join(REPOSITORY, 'node_modules', '.bin');
export const CHROMIUM_BROWSER = fileURLToPath(new URL('./chromium-browser.ts', import.meta.url));
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
  return new Promise((resolve, reject) => {
    const child = spawn('mcp-auth-client', args, {
      env: {
        ...process.env,
        ...env,
        PATH: `${BIN_DIR}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
