import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, startAuthorizationServer } from '@mcp-auth/authorization-server';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { type RunningResourceServer, startResourceServer } from '../../../resource-server/src/index.ts';
import { USER } from '../../../resource-server/test/support/stack.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';

export { freePort } from '@mcp-auth/test-support/free-port';
export { USER };

export interface TestAuthorizationServer {
  readonly issuer: string;
  /** The development introspection credential a resource server on this machine reads. */
  readonly devCredentialsFile: string;
  close(): Promise<void>;
}

/**
 * A real AS (in process, its own temp data folder) that knows `resources` (scopes `user` and
 * `admin`), with the test user's account. Several can run at once, for tests where an MCP
 * server changes its AS.
 */
export async function startTestAuthorizationServer(
  resources: readonly string[],
  /** A port and data folder of the test's choosing: to start an AS again where one was. */
  place: { port?: number; dataDir?: string } = {},
): Promise<TestAuthorizationServer> {
  const dataDir = place.dataDir ?? (await mkdtemp(join(tmpdir(), 'mcp-auth-client-as-')));
  const scopes = [
    { name: 'user', description: 'Use the tools' },
    { name: 'admin', description: 'Statistics' },
  ];
  const as = await startAuthorizationServer(
    {
      port: place.port ?? 0,
      dataDir,
      resources: resources.map((uri) => ({
        uri,
        name: `MCP server ${uri}`,
        scopes,
        accessTokenTtlSeconds: 600,
      })),
    },
    { logger: silentLogger },
  );
  await as.accounts.create(USER.username, USER.password);
  let closed = false;
  return {
    issuer: as.issuer,
    devCredentialsFile: join(dataDir, 'dev-introspection-client.json'),
    async close() {
      if (closed) return;
      closed = true;
      await as.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The real MCP server on `port`, trusting `as`; its resource is `http://localhost:<port>/mcp`. */
export function startTestResourceServer(
  port: number,
  as: TestAuthorizationServer,
  options: { introspectionCacheSeconds?: number; requireDpop?: boolean } = {},
): Promise<RunningResourceServer> {
  return startResourceServer(
    {
      port,
      authServer: as.issuer,
      devCredentialsFile: as.devCredentialsFile,
      ...(options.requireDpop ? { requireDpop: true } : {}),
      ...(options.introspectionCacheSeconds !== undefined
        ? { introspectionCacheSeconds: options.introspectionCacheSeconds }
        : {}),
    },
    { logger: silentLogger },
  );
}

/**
 * Signs the test user in at `as` for `resource` through the AS's real pages (no browser) and
 * stores the tokens where the client keeps them, as if it had signed in itself.
 */
export async function storeSignIn(
  storeDir: string,
  as: TestAuthorizationServer,
  resource: string,
  scope = 'user',
): Promise<void> {
  const client = await registerPublicClient(as.issuer);
  const outcome = await authorize(as.issuer, {
    clientId: client.client_id,
    scope,
    resource,
    username: USER.username,
    password: USER.password,
  });
  const code = outcome.redirect.searchParams.get('code') ?? '';
  const response = await redeemCode(as.issuer, { clientId: client.client_id, code, ...outcome });
  const tokens = (await response.json()) as { access_token?: string; token_type: string; scope?: string };
  if (!tokens.access_token) throw new Error(`no token: ${JSON.stringify(tokens)}`);
  // The store's files, as the client writes them: the registration per issuer, the tokens per
  // issuer and resource, the pointer from the server URL.
  const store = new CredentialStore(storeDir);
  await store.write(store.clientPath(as.issuer), { ...client, issuer: as.issuer });
  await store.write(store.tokensPath(as.issuer, resource), {
    issuer: as.issuer,
    tokens: { ...tokens, issuer: as.issuer },
    savedAt: Date.now(),
    expiresAt: Date.now() + 600_000,
  });
  await store.write(store.serverPath(resource), { issuer: as.issuer, resource });
}
