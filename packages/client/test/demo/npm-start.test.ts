import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mcp-auth/test-support/free-port';
import { approveInBrowser } from '@mcp-auth/test-support/headless-browser';
import { waitForOutput } from '@mcp-auth/test-support/process-output';

const START = fileURLToPath(new URL('../../../../scripts/start-demo.ts', import.meta.url));

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('npm start: the whole demo in one command', () => {
  it('starts AS and RS, signs in, runs the prompt, and stops everything on quit', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mcp-auth-demo-'));
    const [asPort, rsPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [START, '--no-browser', `--as-port=${asPort}`, `--rs-port=${rsPort}`],
      {
        env: { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state') },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const waitFor = (pattern: RegExp) => waitForOutput(child, () => stderr, pattern);
      const account = await waitFor(/Demo account\s+(\S+) \/ (\S+)/);
      assert.match(stderr, /log: .*authorization-server\.log/, 'log paths are printed');
      assert.match(stderr, /npm start -- --trace shows each step/, 'where to learn what the sign-in does');
      const signIn = await waitFor(/Sign in at: (\S+)/);
      const pages: string[] = [];
      const callback = await approveInBrowser(
        new URL(signIn[1] ?? ''),
        { username: account[1] ?? '', password: account[2] ?? '' },
        'http://127.0.0.1',
        (page) => pages.push(page),
      );
      const consent = pages.find((page) => page.includes('It will be able to')) ?? '';
      assert.match(consent, /wants to access <strong>MCP demo server<\/strong>/, 'on a moved port too');
      assert.match(consent, /Use the demo tools as you/, 'the demo scopes in words');
      await fetch(callback);
      child.stdin.end('list\nquit\n');
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, /^calculator\b/m);
      assert.equal(await portIsFree(asPort), true, 'the AS was stopped');
      assert.equal(await portIsFree(rsPort), true, 'the RS was stopped');
    } finally {
      child.kill('SIGTERM');
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a port in use: one clear line naming the port and the flag', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [START, `--as-port=${busy}`], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        new RegExp(`port ${busy} \\(the Authorization Server\\) is already in use.*--as-port`),
      );
    } finally {
      blocker.close();
    }
  });
});
