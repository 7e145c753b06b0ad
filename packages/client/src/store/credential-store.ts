import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { clientStoreDir, ensurePrivateDirectory, writePrivateFile } from '@mcp-auth/shared';

/**
 * Where the client keeps what signing in produced, per user (MCP authorization: credentials
 * bound to the AS that issued them, tokens bound to their resource, RFC 8707):
 * - client registrations, keyed by the AS issuer: a client id obtained from one AS is never
 *   offered to another;
 * - tokens, keyed by the AS issuer and the protected resource (RFC 9728 `resource`), which
 *   several URLs of one server share (`…/mcp`, `…/mcp/sse`);
 * - pointers from each server URL to its sign-in (sign-in-pointer.ts).
 * Each record is its own file, written atomically (temporary file + rename) with owner-only
 * permissions, so two instances running at once never see a half-written file; the last
 * writer wins, which is the right outcome for a token refreshed by either.
 */
export function defaultStoreDir(env: Readonly<Record<string, string | undefined>>): string {
  return clientStoreDir(env);
}

function fileKey(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);
}

export class CredentialStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get directory(): string {
    return this.#dir;
  }

  clientPath(issuer: string): string {
    return join(this.#dir, 'clients', `${fileKey([issuer])}.json`);
  }

  tokensPath(issuer: string, resource: string): string {
    return join(this.#dir, 'tokens', `${fileKey([issuer, resource])}.json`);
  }

  /** The AS a pre-registered client id was first used with: it is used with no other (authorization-server-checks.ts). */
  preregisteredPath(clientId: string): string {
    return join(this.#dir, 'preregistered', `${fileKey([clientId])}.json`);
  }

  /** The pointer from a server URL to its sign-in: AS issuer and resource (sign-in-pointer.ts). */
  serverPath(serverUrl: string): string {
    return join(this.#dir, 'servers', `${fileKey([serverUrl])}.json`);
  }

  async read<T>(path: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      // A damaged record is as good as none: the user signs in again instead of being stuck.
      return undefined;
    }
  }

  async write(path: string, value: unknown): Promise<void> {
    await ensurePrivateDirectory(this.#dir);
    await writePrivateFile(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
