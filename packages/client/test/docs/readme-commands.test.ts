import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findChromium } from '@mcp-auth/test-support/chromium';
import { waitForOutput } from '@mcp-auth/test-support/process-output';
import { CHROMIUM_BROWSER } from '../support/client-process.ts';

/**
 * Every command the README shows is run: here, verbatim through `bash -c` from the repository
 * root (the seed's three commands, the client's commands, account and client management, the
 * legacy server), or by CI itself (`.ci/run`: set-up, build, lint, typecheck, tests). A README
 * command that is in neither place fails this test, so README and tests cannot drift apart.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function readmeCommands(readme: string): string[] {
  const commands: string[] = [];
  for (const block of readme.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command) commands.push(command);
    }
  }
  return [...new Set(commands)];
}

const RUN_BY_CI = [
  'npm ci && npm run build',
  'npm run build',
  'npm run lint',
  'npm run typecheck',
  'npm run test:unit',
  'npm test',
];
/** `npm start` is run by test/demo/npm-start.test.ts through the very script package.json names. */
const RUN_BY_OTHER_TESTS = ['npm start'];

interface Shell {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describeNeeding(await findChromium(), 'the README’s commands', {}, () => {
  let home: string;
  let env: Record<string, string>;
  const executed = new Set<string>();
  const background: Shell[] = [];

  function shell(command: string, input?: string, extraEnv: Record<string, string> = {}): Shell {
    executed.add(command);
    // Its own process group, so stopping it reaches npx's child (the program) too.
    const child = spawn('bash', ['-c', command], {
      cwd: ROOT,
      env: { ...env, ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    if (input !== undefined) child.stdin?.end(input);
    return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', resolve)) };
  }
  const waitFor = (running: Shell, pattern: RegExp): Promise<RegExpExecArray> =>
    waitForOutput(running.child, running.output, pattern);
  const signalGroup = (running: Shell, signal: NodeJS.Signals) => {
    try {
      if (running.child.pid) process.kill(-running.child.pid, signal);
    } catch {
      // already gone
    }
  };
  async function stop(running: Shell): Promise<void> {
    signalGroup(running, 'SIGINT');
    const timer = setTimeout(() => signalGroup(running, 'SIGKILL'), 5000);
    await running.exited;
    clearTimeout(timer);
  }

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-readme-'));
    await writeFile(join(home, 'browser.log'), '');
    env = {
      ...(process.env as Record<string, string>),
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_STATE_HOME: join(home, 'state'),
      BROWSER: CHROMIUM_BROWSER,
      TEST_BROWSER_LOG: join(home, 'browser.log'),
      npm_config_update_notifier: 'false',
    };
  });
  after(async () => {
    for (const running of background) signalGroup(running, 'SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  it('the seed’s three commands: AS, RS, and the client signing in through the browser and calling a tool', async () => {
    const as = shell('npx mcp-auth-as --port=9000');
    background.push(as);
    const [, username = '', password = ''] = await waitFor(as, /demo account\s+(\S+) \/ (\S+)/);
    env.TEST_BROWSER_USERNAME = username;
    env.TEST_BROWSER_PASSWORD = password;
    const rs = shell(
      'npx mcp-auth-rs --port=8001 --auth-server=http://localhost:9000 --transport=streamable-http',
    );
    background.push(rs);
    await waitFor(rs, /MCP Resource Server\s+http:\/\/localhost:8001\/mcp/);
    const client = shell(
      'MCP_SERVER_PORT=8001 MCP_TRANSPORT_TYPE=streamable_http npx mcp-auth-client',
      'call calculator {"expression":"2+3*4"}\nquit\n',
    );
    assert.equal(await client.exited, 0, client.output());
    assert.match(client.output(), /"result": 14/);
    assert.equal((await readFile(join(home, 'browser.log'), 'utf8')).split('\n').filter(Boolean).length, 1);
  });

  it('the client’s script commands, verbatim', async () => {
    const list = shell('npx mcp-auth-client list');
    assert.equal(await list.exited, 0, list.output());
    assert.match(list.output(), /^calculator\b/m);
    const call = shell(`npx mcp-auth-client call calculator '{"expression":"2+3*4"}'`);
    assert.equal(await call.exited, 0, call.output());
    assert.match(call.output(), /\b14\b/);
    const status = shell('npx mcp-auth-client status');
    assert.equal(await status.exited, 0, status.output());
    assert.match(status.output(), /Authorization server:\s+http:\/\/localhost:9000/);
    const logout = shell('npx mcp-auth-client logout');
    assert.equal(await logout.exited, 0, logout.output());
    assert.match(logout.output(), /Signed out of http:\/\/localhost:9000/);
  });

  it('the seed’s RS command also serves the deprecated SSE transport when asked', async () => {
    const [rs] = background.slice(1);
    if (rs) await stop(rs);
    const sse = shell('npx mcp-auth-rs --port=8001 --auth-server=http://localhost:9000 --transport=sse');
    background.push(sse);
    await waitFor(sse, /MCP Resource Server/);
    const call = shell(`MCP_TRANSPORT_TYPE=sse npx mcp-auth-client call get_time '{"timezone":"UTC"}'`);
    executed.delete(`MCP_TRANSPORT_TYPE=sse npx mcp-auth-client call get_time '{"timezone":"UTC"}'`);
    assert.equal(await call.exited, 0, call.output());
    assert.match(call.output(), /"timezone": "UTC"/);
    await stop(sse);
  });

  it('account and client management, verbatim', async () => {
    const add = shell('npx mcp-auth-as users add alice', 'a long enough password\n');
    assert.equal(await add.exited, 0, add.output());
    const list = shell('npx mcp-auth-as users list');
    assert.equal(await list.exited, 0);
    assert.match(list.output(), /^alice\t/m);
    for (const command of [
      'npx mcp-auth-as clients add --name "Nightly job" --grant-type client_credentials --scope user',
      'npx mcp-auth-as clients add --name "Weather RS" --resource-server --resource http://localhost:8001/mcp',
    ]) {
      const result = shell(command);
      assert.equal(await result.exited, 0, result.output());
      assert.match(result.output(), /client_id=\S+\nclient_secret=\S+/);
    }
  });

  it('operating it: administration, keys and backup commands, verbatim, beside the running AS', async () => {
    const expectations: Array<[string, RegExp]> = [
      ['npx mcp-auth-as clients list', /^CLIENT ID\tREGISTRATION\t/m],
      ['npx mcp-auth-as grants list --user alice', /^GRANT ID\tUSER\t/m],
      ['npx mcp-auth-as users list', /^alice\t.*\tactive$/m],
      ['npx mcp-auth-as users lock alice', /^locked alice: /m],
      ['npx mcp-auth-as users unlock alice', /^unlocked alice$/m],
      ['npx mcp-auth-as keys rotate', /^new keys .*published now, signing from /m],
      ['npx mcp-auth-as keys list', /\tnext\t[\s\S]*\tactive\t/],
      ['npx mcp-auth-as backup ~/mcp-auth-backup.db', /^database\s+\S+mcp-auth-backup\.db$/m],
    ];
    for (const [command, expected] of expectations) {
      const result = shell(command);
      assert.equal(await result.exited, 0, `${command}: ${result.output()}`);
      assert.match(result.output(), expected, command);
    }
  });

  it('the legacy combined server, verbatim', async () => {
    const legacy = shell('npx mcp-auth-legacy --port=8000 --transport=streamable-http');
    background.push(legacy);
    await waitFor(legacy, /MCP legacy combined server\s+http:\/\/localhost:8000/);
    const metadata = (await (
      await fetch('http://localhost:8000/.well-known/oauth-authorization-server')
    ).json()) as {
      issuer: string;
    };
    assert.equal(metadata.issuer, 'http://localhost:8000');
    await stop(legacy);
  });

  it('every README command is run here or by CI', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    for (const command of RUN_BY_CI)
      assert.ok(ci.includes(command.replace('npm ci && npm run build', 'npm ci')), `.ci/run runs ${command}`);
    const missing = readmeCommands(readme).filter(
      (command) =>
        !executed.has(command) && !RUN_BY_CI.includes(command) && !RUN_BY_OTHER_TESTS.includes(command),
    );
    assert.deepEqual(missing, [], 'README commands that no test runs');
  });
});
