import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isRunning, startWorkerPool } from '@mcp-auth/test-support/worker-pool';
import {
  type FakeJwtAuthorizationServer,
  startFakeJwtAuthorizationServer,
} from '../support/fake-jwt-authorization-server.ts';
import { callTool, INITIALIZE, post, toolResultOf } from '../support/mcp-requests.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('mcp-auth-rs --workers', () => {
  let authorizationServer: FakeJwtAuthorizationServer;
  before(async () => {
    authorizationServer = await startFakeJwtAuthorizationServer();
  });
  after(() => authorizationServer.close());

  it('--workers 2 --transport stateless: serves both eras on one port, replaces a killed worker, stops on SIGTERM', async () => {
    const pool = startWorkerPool(CLI, [
      '--workers=2',
      '--transport=stateless',
      '--token-verification=jwt',
      `--auth-server=${authorizationServer.issuer}`,
      '--port=0',
    ]);
    try {
      const pids = await pool.workerPids();
      assert.equal(pids.length, 2);
      const resourceUrl = (await pool.waitFor(/MCP Resource Server {2}(\S+)/))[1] as string;
      const token = await authorizationServer.sign(resourceUrl);
      const calculate = async () => {
        const response = await callTool(resourceUrl, token, 'calculator', { expression: '2+3*4' });
        assert.equal(response.status, 200);
        assert.match(JSON.stringify(await toolResultOf(response)), /14/);
      };
      // Fresh connections each time (fetch's pool may reuse one): the primary spreads them.
      for (let i = 0; i < 4; i++) await calculate();
      // MCP 2025-11-25 "Session Management": a server MAY assign no session; 2025 clients get none.
      const initialized = await post(resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
      assert.equal(initialized.status, 200, await initialized.clone().text());
      assert.equal(initialized.headers.get('mcp-session-id'), null);
      await initialized.text();
      // No session to stream or end: the GET stream and DELETE of 2025 sessions are 405 here.
      const stream = await fetch(resourceUrl, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      assert.equal(stream.status, 405);
      await stream.text();

      process.kill(pids[0] as number, 'SIGKILL');
      await pool.waitFor(/"msg":"worker restarted"/);
      assert.match(pool.output(), /"msg":"worker exited; starting another".*"signal":"SIGKILL"/);
      await calculate();

      pool.child.kill('SIGTERM');
      assert.equal(await pool.exited, 0, pool.output());
      assert.match(pool.output(), /MCP Resource Server stopped\./);
      for (const pid of pids) assert.equal(isRunning(pid), false, `worker ${pid} is gone`);
    } finally {
      pool.child.kill('SIGKILL');
    }
  });

  const bad: Array<[string[], RegExp]> = [
    [['--workers=0'], /--workers must be a whole number from 1 to 256, or auto/],
    [['--workers=abc'], /--workers must be a whole number from 1 to 256, or auto/],
    [['--workers=2'], /--workers 2 needs --transport stateless/],
    [['--workers=2', '--transport=all'], /--workers 2 needs --transport stateless/],
    [['--workers=2', '--transport=stateless', '--metrics-port=0'], /--metrics-port .* needs --workers 1/],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(' ')} → a usage error, exit 2, no worker started`, async () => {
      const pool = startWorkerPool(CLI, args);
      assert.equal(await pool.exited, 2);
      assert.match(pool.output(), message);
      assert.doesNotMatch(pool.output(), /MCP Resource Server/);
    });
  }
});
