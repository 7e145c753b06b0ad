import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FLAGS, USAGE } from '../../src/cli/parse-args.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mcp-auth-rs command line', () => {
  it('--help prints usage, exit 0', async () => {
    const result = await run(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /--auth-server URL/);
    assert.match(result.stdout, /--dangerously-accept-any-audience/);
    assert.match(result.stdout, /--max-sessions-per-subject N .*\(default 32\)/s);
  });

  it('--help lists every option the program takes', () => {
    for (const flag of [...Object.keys(FLAGS), 'verbose']) {
      assert.match(USAGE, new RegExp(`\\n  (-\\w, )?--${flag}\\b`), `--${flag} is listed`);
    }
  });

  const bad: Array<[string[], RegExp]> = [
    [['--port=eighty'], /--port must be a whole number/],
    [['--transport=carrier-pigeon'], /transport/],
    [['--token-verification=trust-me'], /tokenVerification/],
    [['--auth-server=ftp://x'], /absolute http\(s\) URL/],
    [['--auth-server=http://auth.example.com'], /must use https/],
    [['--introspection-client-id=only-the-id'], /both the introspection client id and secret/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--resource-url=/relative'], /absolute http\(s\) URL/],
    [['--max-sessions-per-subject=many'], /--max-sessions-per-subject must be a whole number/],
    [['--max-sessions=10', '--max-sessions-per-subject=20'], /cannot exceed --max-sessions/],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(' ')} → one clear line, exit 2`, async () => {
      const result = await run(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  it('an unreachable authorization server: waits, then one clear line, exit 1', async () => {
    const result = await run(['--port=0', '--auth-server=http://127.0.0.1:9', '--auth-server-wait=1']);
    assert.equal(result.code, 1);
    assert.match(result.stdout + result.stderr, /waiting for the authorization server/);
    assert.match(result.stderr, /did not answer/);
  });

  it('an issuer that is not the one asked for is refused (RFC 8414 §3.3)', async () => {
    const liar = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ issuer: 'http://evil.example', introspection_endpoint: 'http://evil.example/i' }),
      );
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const port = (liar.address() as AddressInfo).port;
      const result = await run(['--port=0', `--auth-server=http://127.0.0.1:${port}`]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /names issuer http:\/\/evil\.example/);
    } finally {
      liar.close();
    }
  });

  it('introspection without credentials and no local AS credential: says what to do', async () => {
    const as = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: `http://127.0.0.1:${(as.address() as AddressInfo).port}`,
          introspection_endpoint: 'http://127.0.0.1:1/i',
        }),
      );
    });
    await new Promise<void>((resolve) => as.listen(0, '127.0.0.1', resolve));
    try {
      const port = (as.address() as AddressInfo).port;
      const result = await run([
        '--port=0',
        `--auth-server=http://127.0.0.1:${port}`,
        '--dev-credentials-file=/nonexistent/x.json',
      ]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /--introspection-client-id/);
    } finally {
      as.close();
    }
  });
});
