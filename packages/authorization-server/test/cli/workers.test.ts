import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isRunning, startWorkerPool } from '@mcp-auth/test-support/worker-pool';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

describe('mcp-auth-as --workers', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-workers-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('--workers 2: one port, one data folder, a killed worker replaced, all stopped on SIGTERM', async () => {
    const pool = startWorkerPool(CLI, ['--workers=2', '--port=0', `--data-dir=${dataDir}`]);
    try {
      const pids = await pool.workerPids();
      assert.equal(pids.length, 2);
      const issuer = (await pool.waitFor(/MCP Authorization Server {2}(\S+)/))[1] as string;
      // One banner, one demo account: the first worker created the folder's state, the second read it.
      assert.equal(pool.output().match(/demo account/g)?.length, 1);
      const metadata = async () => {
        const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
        assert.equal(response.status, 200);
        assert.equal(((await response.json()) as { issuer: string }).issuer, issuer);
      };
      for (let i = 0; i < 4; i++) await metadata();

      process.kill(pids[1] as number, 'SIGKILL');
      await pool.waitFor(/"msg":"worker restarted"/);
      assert.match(pool.output(), /"msg":"worker exited; starting another".*"signal":"SIGKILL"/);
      await metadata();

      pool.child.kill('SIGTERM');
      assert.equal(await pool.exited, 0, pool.output());
      assert.match(pool.output(), /MCP Authorization Server stopped\./);
      for (const pid of pids) assert.equal(isRunning(pid), false, `worker ${pid} is gone`);
    } finally {
      pool.child.kill('SIGKILL');
    }
  });

  const bad: Array<[string[], RegExp]> = [
    [['--workers=0'], /--workers must be a whole number from 1 to 256, or auto/],
    [['--workers=abc'], /--workers must be a whole number from 1 to 256, or auto/],
    [['--workers=-1'], /--workers must be a whole number from 1 to 256, or auto/],
    [['--workers=2', '--metrics-port=0'], /--metrics-port .* needs --workers 1/],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(' ')} → a usage error, exit 2, no worker started`, async () => {
      const pool = startWorkerPool(CLI, [...args, `--data-dir=${dataDir}`]);
      assert.equal(await pool.exited, 2);
      assert.match(pool.output(), message);
      assert.doesNotMatch(pool.output(), /MCP Authorization Server/);
    });
  }
});
