import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../../bin/mcp-auth-client.js', import.meta.url));

/** `mcp-auth-client --help` with only the given cache variables (none inherited from the test run). */
function helpWith(cacheEnv: Record<string, string>) {
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  delete env.NODE_DISABLE_COMPILE_CACHE;
  delete env.XDG_CACHE_HOME;
  return spawnSync(process.execPath, [LAUNCHER, '--help'], {
    env: { ...env, ...cacheEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/**
 * The client keeps V8's compiled code between runs (start-up time), in a folder of the user's
 * own: never Node's default in the shared tmp folder, where another account could leave code
 * for this one to run. The cache is an optimisation only: when it cannot be kept, the client
 * works all the same and says nothing about it.
 */
describe('compile cache', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-cache-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('is kept under XDG_CACHE_HOME/mcp-auth/compile-cache', async () => {
    const cacheHome = join(home, 'cache');
    const run = helpWith({ XDG_CACHE_HOME: cacheHome });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: mcp-auth-client/);
    const versions = await readdir(join(cacheHome, 'mcp-auth', 'compile-cache'));
    assert.equal(versions.length, 1, 'one folder for this Node version');
    const entries = await readdir(join(cacheHome, 'mcp-auth', 'compile-cache', versions[0] ?? ''));
    assert.ok(entries.length > 0, 'compiled modules were written');
  });

  it('NODE_COMPILE_CACHE chooses the folder', async () => {
    const chosen = join(home, 'chosen');
    const run = helpWith({ NODE_COMPILE_CACHE: chosen, XDG_CACHE_HOME: join(home, 'unused') });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((await readdir(chosen)).length, 1);
    await assert.rejects(readdir(join(home, 'unused')), { code: 'ENOENT' });
  });

  it('a folder that cannot be created changes nothing: same output, no warning', async () => {
    const notAFolder = join(home, 'a-file');
    await writeFile(notAFolder, '');
    const unusable: Record<string, string>[] = [
      { XDG_CACHE_HOME: notAFolder },
      { NODE_COMPILE_CACHE: join(notAFolder, 'x') },
    ];
    for (const cacheEnv of unusable) {
      const run = helpWith(cacheEnv);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Usage: mcp-auth-client/);
      assert.equal(run.stderr, '');
    }
  });
});
