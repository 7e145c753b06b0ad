import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findChromium } from '@mcp-auth/test-support/chromium';
import { type Stack, startStack, USER } from '../../../resource-server/test/support/stack.ts';
import type { SavedTokens } from '../../src/oauth/saved-tokens.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import {
  CHROMIUM_BROWSER,
  listenRecorderEnv,
  recordedListens,
  runClient,
} from '../support/client-process.ts';

/**
 * The client as a person uses it: real AS and RS, the client as a process, and a real Chromium
 * (through `BROWSER`) for the sign-in and consent pages.
 */
const chromium = await findChromium();

describeNeeding(chromium, 'mcp-auth-client end to end', {}, () => {
  let stack: Stack;
  let home: string;
  let browserLog: string;

  before(async () => {
    stack = await startStack({}, { accessTokenTtlSeconds: 600 });
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-e2e-'));
    browserLog = join(home, 'browser.log');
    await writeFile(browserLog, '');
  });
  after(async () => {
    await stack.close();
    await rm(home, { recursive: true, force: true });
  });

  const env = (transport: 'streamable_http' | 'sse') => ({
    MCP_SERVER_PORT: new URL(stack.resourceUrl).port,
    MCP_TRANSPORT_TYPE: transport,
    XDG_STATE_HOME: join(home, 'state'),
    BROWSER: CHROMIUM_BROWSER,
    TEST_BROWSER_USERNAME: USER.username,
    TEST_BROWSER_PASSWORD: USER.password,
    TEST_BROWSER_LOG: browserLog,
  });
  const browserRuns = async () => (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean).length;

  it('first run signs in through the browser, then lists the tools', async () => {
    const result = await runClient(['list', '--callback-port=0'], env('streamable_http'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Sign in at: http:\/\/localhost:\d+\/auth\?/, 'the URL is always printed');
    for (const tool of ['calculator', 'get_time', 'get_weather', 'whoami', 'server_stats']) {
      assert.match(result.stdout, new RegExp(`^${tool}\\b`, 'm'));
    }
    const descriptionColumns = new Set(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => /^\S+\s+/.exec(line)?.[0].length),
    );
    assert.equal(descriptionColumns.size, 1, `descriptions in one column, as in the REPL:\n${result.stdout}`);
    assert.equal(await browserRuns(), 1);
  });

  it('a second run uses the stored tokens with no browser, and calls each tool', async () => {
    const calls: Array<[string, string, RegExp]> = [
      ['calculator', '{"expression":"2+3*4"}', /\b14\b/],
      ['get_time', '{"timezone":"Europe/Paris"}', /Europe\/Paris/],
      ['get_weather', '{"city":"Oslo","country":"NO"}', /Oslo/],
      ['whoami', '{}', /"scopes"/],
    ];
    for (const [tool, args, expected] of calls) {
      const result = await runClient(['call', tool, args], env('streamable_http'));
      assert.equal(result.code, 0, `${tool}: ${result.stderr}`);
      assert.match(result.stdout, expected, tool);
    }
    assert.equal(await browserRuns(), 1, 'no browser needed');
  });

  it('with valid stored tokens, call opens no loopback port: the callback listens only for a sign-in', async () => {
    const log = join(home, 'listen-stored-tokens.log');
    const result = await runClient(['call', 'calculator', '{"expression":"1+1"}'], {
      ...env('streamable_http'),
      ...listenRecorderEnv(log),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b2\b/);
    assert.deepEqual(await recordedListens(log), [], 'no port was opened');
    assert.equal(await browserRuns(), 1, 'no browser needed');
  });

  it('the REPL over stdin: list, a call that prints 14, one clear line for bad JSON, and it goes on', async () => {
    const input = [
      'list',
      'call calculator {"expression":"2+3*4"}',
      'call calculator {oops',
      'call calculator {"expression":"10/4"}',
      'quit',
      '',
    ].join('\n');
    const result = await runClient([], env('streamable_http'), { input });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^get_weather\b/m);
    assert.match(result.stdout, /"result": 14/);
    // Piped input still shows the prompt, so a result can follow "mcp> " on the same line.
    const lines = result.stdout.split('\n').map((line) => line.replace(/^(?:mcp> )+/, ''));
    const errors = lines.filter((line) => line.startsWith('error:'));
    assert.equal(errors.length, 1, result.stdout);
    assert.match(errors[0] ?? '', /not valid JSON/);
    assert.match(result.stdout, /"result": 2\.5/, 'the REPL went on after the error');
  });

  it('the SSE transport works with the same sign-in flow', async () => {
    const result = await runClient(['call', 'calculator', '{"expression":"6*7"}'], env('sse'));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b42\b/);
  });

  it('a tool error exits 4; a bad JSON argument exits 2 with one clear line', async () => {
    const toolError = await runClient(['call', 'calculator', '{"expression":"1/0"}'], env('streamable_http'));
    assert.equal(toolError.code, 4);
    assert.match(toolError.stdout, /division by zero/);
    const badJson = await runClient(['call', 'calculator', '{expression'], env('streamable_http'));
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /not valid JSON/);
  });

  it('a stored token the server refuses (RFC 6750 §3.1), no refresh token: signs in again', async () => {
    // The 401 is where the loopback callback starts listening (it was not, with stored tokens).
    const store = new CredentialStore(join(home, 'state', 'mcp-auth', 'client'));
    const tokensPath = store.tokensPath(stack.issuer, stack.resourceUrl);
    const saved = await store.read<SavedTokens>(tokensPath);
    assert.ok(saved, 'signed in by the tests above');
    const { refresh_token: _refreshToken, ...tokens } = saved.tokens;
    await store.write(tokensPath, { ...saved, tokens: { ...tokens, access_token: 'revoked-or-forged' } });
    const log = join(home, 'listen-refused-token.log');
    const before = await browserRuns();
    const result = await runClient(['call', 'calculator', '{"expression":"2+2"}', '--callback-port=0'], {
      ...env('streamable_http'),
      ...listenRecorderEnv(log),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b4\b/);
    assert.equal(await browserRuns(), before + 1, 'one browser sign-in');
    assert.deepEqual(await recordedListens(log), [0], 'the callback listened once, on the port asked for');
  });

  it('step-up: server_stats asks for admin, the browser approves, the call succeeds', async () => {
    const before = await browserRuns();
    const result = await runClient(
      ['call', 'server_stats', '{}', '--callback-port=0'],
      env('streamable_http'),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /requestsServed/);
    assert.equal(await browserRuns(), before + 1, 'one more browser sign-in, for the larger scope');
  });

  it('status says where and until when; --json is machine-readable', async () => {
    const result = await runClient(['status', '--json'], env('streamable_http'));
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as {
      signedIn: boolean;
      authorizationServer: string;
      scope: string;
      signedInAs?: string;
    };
    assert.equal(status.signedIn, true);
    assert.equal(status.signedInAs, USER.username, 'as whom: the server says, through whoami');
    assert.equal(status.authorizationServer, stack.issuer);
    assert.match(status.scope, /admin/);
  });

  it('after logout the browser is needed again', async () => {
    const out = await runClient(['logout'], env('streamable_http'));
    assert.equal(out.code, 0);
    assert.match(out.stdout, /Signed out of/);
    const status = await runClient(['status'], env('streamable_http'));
    assert.equal(status.code, 3);
    const before = await browserRuns();
    const result = await runClient(['list', '--callback-port=0'], env('streamable_http'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await browserRuns(), before + 1);
  });
});

describeNeeding(chromium, 'mcp-auth-client token refresh', {}, () => {
  it('an access token about to expire is refreshed with no browser', async (t) => {
    // The AS and RS (in this process) read a mocked clock, moved past the token's expiry below
    // instead of waiting for it; the client (its own process) refreshes a token that expires
    // within its margin, so a refresh that did not happen would meet a refused token.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const stack = await startStack({ introspectionCacheSeconds: 0 }, { accessTokenTtlSeconds: 3 });
    const home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-refresh-'));
    const browserLog = join(home, 'browser.log');
    await writeFile(browserLog, '');
    const env = {
      MCP_SERVER_PORT: new URL(stack.resourceUrl).port,
      XDG_STATE_HOME: join(home, 'state'),
      BROWSER: CHROMIUM_BROWSER,
      TEST_BROWSER_USERNAME: USER.username,
      TEST_BROWSER_PASSWORD: USER.password,
      TEST_BROWSER_LOG: browserLog,
    };
    try {
      assert.equal((await runClient(['list', '--callback-port=0'], env)).code, 0);
      t.mock.timers.tick(3500);
      const result = await runClient(['call', 'calculator', '{"expression":"1+1"}'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /\b2\b/);
      const runs = (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean).length;
      assert.equal(runs, 1, 'the expired access token was refreshed, not re-authorized');
    } finally {
      await stack.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
