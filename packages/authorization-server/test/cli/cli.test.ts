import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; got:\n${output}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing ${pattern}; got:\n${output}`));
    });
  });
}

describe('mcp-auth-as command line', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('--help prints usage and exits 0', async () => {
    const result = await run(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: mcp-auth-as \[--port=9000\]/);
  });

  const badFlags: Array<[string[], RegExp]> = [
    [['--port=abc'], /--port must be a number/],
    [['--port=70000'], /--port must be a number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /unexpected argument "extra"/],
    [['--issuer=http://auth.example.com'], /must use https/],
    [['--issuer=https://auth.example.com/path'], /without a path/],
    [['--issuer=not a url'], /absolute http\(s\) URL/],
    [['--log-level=loud'], /logLevel/],
    [['--config=/nonexistent/file.json'], /cannot read the config file/],
  ];
  for (const [args, message] of badFlags) {
    it(`${args.join(' ')} → one clear line, exit 2`, async () => {
      const result = await run([...args, `--data-dir=${dataDir}`]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('a config file with bad JSON or a bad registry is refused at start-up', async () => {
    const badJson = join(dataDir, 'bad.json');
    await writeFile(badJson, '{ "resources": [');
    assert.match((await run([`--config=${badJson}`, `--data-dir=${dataDir}`])).stderr, /not valid JSON/);
    const badRegistry = join(dataDir, 'bad-registry.json');
    await writeFile(badRegistry, JSON.stringify({ resources: [{ uri: 'x', name: 'x', scopes: [] }] }));
    const result = await run([`--config=${badRegistry}`, `--data-dir=${dataDir}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /resources/);
  });

  it('a port in use → one line naming the port and the flag, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run([`--port=${port}`, `--data-dir=${dataDir}`]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`port ${port} .*already in use.*--port`));
    } finally {
      blocker.close();
    }
  });

  it('starts, prints issuer, endpoints and the demo account, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port=0', `--data-dir=${dataDir}`], { stdio: 'pipe' });
    try {
      const output = await waitForOutput(child, /demo account\s+demo \/ \S+/);
      const issuer = /MCP Authorization Server\s+(http:\/\/localhost:\d+)/.exec(output)?.[1];
      assert.ok(issuer, output);
      assert.match(output, /\/\.well-known\/oauth-authorization-server/);
      const health = await fetch(`${issuer}/healthz`);
      assert.equal(health.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('users add/list/passwd/remove manage accounts; bad input is refused', async () => {
    const add = await run(['users', 'add', 'bob', `--data-dir=${dataDir}`], { input: 'a-long-password\n' });
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /created bob/);
    const duplicate = await run(['users', 'add', 'BOB', `--data-dir=${dataDir}`], {
      input: 'a-long-password\n',
    });
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
    const short = await run(['users', 'add', 'carol', `--data-dir=${dataDir}`], { input: 'short\n' });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 8 characters/);
    const badName = await run(['users', 'add', '../x', `--data-dir=${dataDir}`], {
      input: 'a-long-password\n',
    });
    assert.equal(badName.code, 2);
    const list = await run(['users', 'list', `--data-dir=${dataDir}`]);
    assert.match(list.stdout, /^bob\t/m);
    const passwd = await run(['users', 'passwd', 'bob', `--data-dir=${dataDir}`], {
      input: 'another-password\n',
    });
    assert.equal(passwd.code, 0, passwd.stderr);
    const remove = await run(['users', 'remove', 'bob', `--data-dir=${dataDir}`]);
    assert.equal(remove.code, 0);
    const missing = await run(['users', 'remove', 'bob', `--data-dir=${dataDir}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no account named bob/);
  });

  it('clients add prints an id and a secret once; bad options are usage errors', async () => {
    const add = await run([
      'clients',
      'add',
      '--name=Nightly job',
      '--grant-type=client_credentials',
      '--scope=user',
      `--data-dir=${dataDir}`,
    ]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /^client_id=mcp-\S+$/m);
    assert.match(add.stdout, /^client_secret=\S{40,}$/m);
    const bad = await run(['clients', 'add', '--name=x', '--auth-method=magic', `--data-dir=${dataDir}`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--auth-method must be one of/);
  });
});

describe('mcp-auth-as resource flags', () => {
  it('--resource flags replace the demo registry; an unknown resource is then invalid_target', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-cli-res-'));
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--port=0',
        `--data-dir=${dataDir}`,
        '--resource=https://mcp.example.com/mcp',
        '--resource-scopes=read write',
        '--resource-token-format=jwt',
      ],
      { stdio: 'pipe' },
    );
    try {
      const output = await waitForOutput(child, /data folder/);
      const issuer = /MCP Authorization Server\s+(http:\/\/localhost:\d+)/.exec(output)?.[1];
      const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
        scopes_supported: string[];
      };
      assert.ok(metadata.scopes_supported.includes('read'));
      assert.ok(metadata.scopes_supported.includes('write'));
      assert.ok(!metadata.scopes_supported.includes('user'), 'the demo registry is replaced');
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a bad --resource or --resource-token-format is a usage error', async () => {
    assert.match((await run(['--resource=not a uri', '--data-dir=/tmp/x-never'])).stderr, /absolute http/);
    const format = await run(['--resource=https://a.example/mcp', '--resource-token-format=paseto']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /opaque or jwt/);
  });
});
