import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writePrivateFile } from '@mcp-auth/shared';

/** The REPL's history lives beside the credentials, with the same owner-only permissions. */
export function historyFileFor(storeDir: string): string {
  return join(storeDir, 'repl-history');
}

/** How many lines are kept across runs. */
export const HISTORY_SIZE = 500;

/**
 * The rule for what never reaches the history file: any line that mentions a token, password,
 * secret, API key or authorization header anywhere (case-insensitive) — in a JSON key, a value
 * or a tool name. It is deliberately blunt: a line too many left out costs a few keystrokes,
 * one too many kept leaks a credential into a plain file.
 */
const MAY_HOLD_A_SECRET = /token|password|passwd|secret|api[-_]?key|authorization/i;

export function mayHoldSecret(line: string): boolean {
  return MAY_HOLD_A_SECRET.test(line);
}

/**
 * The history file is opened with `O_NOFOLLOW`: a symbolic link planted where it goes (pointing
 * at the person's shell profile, say) is refused, never followed, so the REPL cannot be made to
 * append to, truncate or chmod another file. The error says what to remove.
 */
async function openHistory(path: string, flags: number) {
  try {
    return await open(path, flags | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    throw new Error(`${path} is a symbolic link, which is never followed; remove it`, { cause: error });
  }
}

/**
 * The last HISTORY_SIZE lines of the file, newest first (the order readline wants). The file is
 * cut down to those lines while at it (written anew, atomically), so it does not grow forever. A
 * missing file is no history.
 */
export async function loadHistory(path: string): Promise<string[]> {
  let text: string;
  try {
    const file = await openHistory(path, constants.O_RDONLY);
    try {
      text = await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const kept = lines.slice(-HISTORY_SIZE);
  if (kept.length < lines.length) await writePrivateFile(path, `${kept.join('\n')}\n`);
  return kept.reverse();
}

/**
 * Appends one entered line, unless it is blank, repeats `previousLine`, or may hold a secret.
 * The file is owner-only (0600), like the credentials beside it; chmod covers a file that an
 * older version or the user created with looser permissions.
 */
export async function appendHistory(
  path: string,
  line: string,
  previousLine: string | undefined,
): Promise<void> {
  if (line.trim() === '' || line === previousLine || mayHoldSecret(line)) return;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await openHistory(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
  try {
    await file.chmod(0o600);
    await file.appendFile(`${line}\n`, 'utf8');
  } finally {
    await file.close();
  }
}
