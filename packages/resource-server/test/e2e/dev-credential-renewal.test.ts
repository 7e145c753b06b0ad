import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger, startAuthorizationServer } from '@mcp-auth/authorization-server';
import { createLogger } from '@mcp-auth/shared';
import { freePort } from '@mcp-auth/test-support/free-port';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { type RunningResourceServer, startResourceServer } from '../../src/index.ts';
import { INITIALIZE, post } from '../support/mcp-requests.ts';
import { USER } from '../support/stack.ts';

/** A local AS in `dataDir` on `port`, knowing `resource`, with the test user. */
async function startLocalAuthorizationServer(dataDir: string, port: number, resource: string) {
  const as = await startAuthorizationServer(
    {
      port,
      dataDir,
      resources: [{ uri: resource, name: 'RS under test', scopes: [{ name: 'user', description: 'Use' }] }],
    },
    { logger: silentLogger },
  );
  await as.accounts.create(USER.username, USER.password);
  return as;
}

async function tokenFrom(issuer: string, resource: string): Promise<string> {
  const client = await registerPublicClient(issuer);
  const outcome = await authorize(issuer, {
    clientId: client.client_id,
    scope: 'user',
    resource,
    username: USER.username,
    password: USER.password,
  });
  const code = outcome.redirect.searchParams.get('code') ?? '';
  const response = await redeemCode(issuer, { clientId: client.client_id, code, ...outcome });
  const body = (await response.json()) as { access_token?: string };
  assert.ok(body.access_token, JSON.stringify(body));
  return body.access_token;
}

/**
 * RFC 7662 §2.1: the RS authenticates to introspection with the development credential a local AS
 * writes into its data folder. When that AS is started again on a fresh folder, it writes a new
 * credential and refuses the old one (RFC 6749 §5.2 `invalid_client`): the RS reads the file again
 * instead of answering 503 until it is restarted, and its log says so.
 */
describe('a local AS started again on a fresh data folder', () => {
  let dataDir: string;
  let resource: string;
  let asPort: number;
  let as: Awaited<ReturnType<typeof startLocalAuthorizationServer>>;
  let rs: RunningResourceServer;
  const log: Array<{ level: string; msg: string }> = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-renewal-'));
    const rsPort = await freePort();
    asPort = await freePort();
    resource = `http://localhost:${rsPort}/mcp`;
    as = await startLocalAuthorizationServer(dataDir, asPort, resource);
    rs = await startResourceServer(
      {
        port: rsPort,
        authServer: as.issuer,
        devCredentialsFile: join(dataDir, 'dev-introspection-client.json'),
        introspectionCacheSeconds: 0,
      },
      {
        logger: createLogger({
          write: (line) => log.push(JSON.parse(line) as { level: string; msg: string }),
        }),
      },
    );
  });
  after(async () => {
    await rs.close();
    await as.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the start-up log names the AS the RS trusts (a URL, not a secret to redact)', () => {
    const started = log.find((line) => line.msg === 'resource server started') as
      | { authServer?: string }
      | undefined;
    assert.equal(started?.authServer, as.issuer, JSON.stringify(started));
  });

  it('the RS reads the development credential again when the AS refuses it, and logs what happened', async () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const first = await post(resource, INITIALIZE, bearer(await tokenFrom(as.issuer, resource)));
    assert.equal(first.status, 200, await first.text());

    await as.close();
    await rm(dataDir, { recursive: true, force: true });
    as = await startLocalAuthorizationServer(dataDir, asPort, resource);

    const token = await tokenFrom(as.issuer, resource);
    // Requests refused together: one reading of the file serves them all.
    const answers = await Promise.all([1, 2, 3].map(() => post(resource, INITIALIZE, bearer(token))));
    for (const answer of answers) {
      const body = await answer.text();
      assert.equal(answer.status, 200, `not 503 until a restart: ${body}`);
    }
    const renewals = log.filter((line) => /read .*dev-introspection-client\.json again/.test(line.msg));
    assert.equal(renewals.length, 1, JSON.stringify(log, null, 1));
    assert.match(renewals[0]?.msg ?? '', /refused the development introspection credential/);
  });
});
