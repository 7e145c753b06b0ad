import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FLAGS, parseSameOriginArgs, USAGE } from '../src/cli/parse-args.ts';
import { sameOriginServerOptionsSchema } from '../src/options.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mcp-auth-legacy command line', () => {
  it('--help lists every option the program takes, exit 0', async () => {
    const result = await run(['--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${USAGE}\n`);
    for (const flag of [...Object.keys(FLAGS), 'verbose']) {
      assert.match(USAGE, new RegExp(`\\n  (-\\w, )?--${flag}\\b`), `--${flag} is listed`);
    }
  });

  const bad: Array<[string[], RegExp]> = [
    [['--port=eighty'], /--port must be a whole number from 0 to 65535, not "eighty"/],
    [['--transport=carrier-pigeon'], /transport/],
    [['--log-level=chatty'], /logLevel/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['serve'], /unexpected argument "serve"/],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(' ')} → one clear line, a pointer to --help, exit 2`, async () => {
      const result = await run(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^mcp-auth-legacy: [^\n]+\nRun mcp-auth-legacy --help for usage\.\n$/);
    });
  }
});

describe('where the same-origin server listens', () => {
  it('MCP Streamable HTTP Security Warning: started without --host it binds 127.0.0.1 only; --host changes it', () => {
    const listenHost = (argv: string[]) =>
      sameOriginServerOptionsSchema.parse(parseSameOriginArgs(argv, {}).options).host;
    assert.equal(listenHost([]), '127.0.0.1');
    assert.equal(listenHost(['--host', '0.0.0.0']), '0.0.0.0');
  });
});
