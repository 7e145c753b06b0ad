import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@mcp-auth/shared';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
// The same-origin server (packages/same-origin-server) serves this package's MCP endpoint beside the AS.
import { startSameOriginServer } from '../../../same-origin-server/src/index.ts';

export interface SameOriginStack {
  readonly mcpUrl: string;
  /** Signs the demo account in through the real pages and returns an access token for /mcp. */
  token(): Promise<string>;
  close(): Promise<void>;
}

export async function startSameOriginStack(): Promise<SameOriginStack> {
  const home = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-same-origin-'));
  const server = await startSameOriginServer(
    { port: 0, dataDir: join(home, 'data') },
    { logger: silentLogger },
  );
  return {
    mcpUrl: server.mcpUrl,
    async token() {
      const account = server.demoAccount;
      if (!account) throw new Error('the same-origin server made no demo account');
      const client = await registerPublicClient(server.issuer);
      const outcome = await authorize(server.issuer, {
        clientId: client.client_id,
        scope: 'user',
        resource: server.mcpUrl,
        username: account.username,
        password: account.password,
      });
      const code = outcome.redirect.searchParams.get('code') ?? '';
      const response = await redeemCode(server.issuer, { clientId: client.client_id, code, ...outcome });
      const body = (await response.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async close() {
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
