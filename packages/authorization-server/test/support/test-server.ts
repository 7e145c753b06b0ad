import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthorizationServerOptionsInput,
  type RunningAuthorizationServer,
  silentLogger,
  startAuthorizationServer,
} from '../../src/index.ts';

export const TEST_USER = { username: 'alice', password: 'correct horse battery' } as const;

export interface TestAuthorizationServer extends RunningAuthorizationServer {
  /** Closes the server and deletes its data folder. */
  dispose(): Promise<void>;
}

/** An AS on 127.0.0.1, port 0, in a fresh data folder, with a known account. */
export async function startTestServer(
  options: Partial<AuthorizationServerOptionsInput> = {},
  overrides: Parameters<typeof startAuthorizationServer>[1] = {},
): Promise<TestAuthorizationServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mcp-auth-as-test-')));
  const server = await startAuthorizationServer(
    { port: 0, host: '127.0.0.1', dataDir, ...options },
    { logger: silentLogger, ...overrides },
  );
  if (!(await server.accounts.list()).some((account) => account.username === TEST_USER.username)) {
    // Instances sharing one database may race to create it; one of them winning is enough.
    await server.accounts.create(TEST_USER.username, TEST_USER.password).catch((error: Error) => {
      if (error.name !== 'DuplicateAccountError') throw error;
    });
  }
  return {
    ...server,
    dispose: async () => {
      await server.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
