import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ClientRun, FETCH_BROWSER, runClient } from '../support/client-process.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  storeSignIn,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

/** One error line on stderr (after any sign-in's own lines), no stack, none of the SDK's wording. */
function assertOneClearLine(result: ClientRun): string {
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('mcp-auth-client:'));
  assert.equal(lines.length, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack without --verbose');
  assert.doesNotMatch(result.stderr, /Version negotiation|fetch failed|SSE error|Error POSTing/);
  return lines[0] ?? '';
}

/** Each failure a newcomer meets names what was tried and what to do next. */
describe('mcp-auth-client errors that say what to do', () => {
  let home: string;
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startTestResourceServer>>;
  let resource: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-errors-'));
    const port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as = await startTestAuthorizationServer([resource]);
    rs = await startTestResourceServer(port, as, { introspectionCacheSeconds: 0 });
  });
  after(async () => {
    await rs.close();
    await as.close();
    await rm(home, { recursive: true, force: true });
  });

  const env = (store: string) => ({
    XDG_STATE_HOME: join(home, store),
    BROWSER: FETCH_BROWSER,
    TEST_BROWSER_USERNAME: USER.username,
    TEST_BROWSER_PASSWORD: USER.password,
  });

  it('MCP server down: names its URL and how to start it; the stack only with --verbose', async () => {
    const url = `http://localhost:${await freePort()}/mcp`;
    const result = await runClient(['--url', url, 'list'], env('down'));
    assert.equal(result.code, 1);
    assert.match(
      assertOneClearLine(result),
      new RegExp(
        `^mcp-auth-client: cannot reach the MCP server at ${url} \\(connection refused\\); is mcp-auth-rs running\\? Start it with: npx mcp-auth-rs --port=\\d+`,
      ),
    );
    const verbose = await runClient(['--url', url, 'list', '--verbose'], env('down'));
    assert.match(verbose.stderr, /^\s+at /m, 'the stack with --verbose');
  });

  it('the wrong transport or path: says which URL and transport were tried, and the right ones', async () => {
    const origin = new URL(resource).origin;
    const streamableAtSse = await runClient(['--url', `${resource}/sse`, 'list'], env('paths'));
    assert.equal(streamableAtSse.code, 1);
    assert.match(
      assertOneClearLine(streamableAtSse),
      new RegExp(
        `${resource}/sse is a deprecated HTTP\\+SSE endpoint: add --transport sse, or use --url ${resource} for Streamable HTTP`,
      ),
    );
    const sseAtMcp = await runClient(['--url', resource, '--transport', 'sse', 'list'], env('paths'));
    assert.equal(sseAtMcp.code, 1);
    assert.match(assertOneClearLine(sseAtMcp), new RegExp(`try --url ${resource}/sse`));
    const unknownPath = await runClient(['--url', `${origin}/nothing-here`, 'list'], env('paths'));
    assert.equal(unknownPath.code, 1);
    assert.match(
      assertOneClearLine(unknownPath),
      new RegExp(
        `nothing answers MCP requests at ${origin}/nothing-here \\(HTTP 404\\).*${origin}/mcp \\(Streamable HTTP\\)`,
      ),
    );
  });

  it('an MCP server the AS does not know: the AS description (invalid_target) and the fix', async () => {
    const port = await freePort();
    const unknown = `http://localhost:${port}/mcp`;
    const stranger = await startTestResourceServer(port, as);
    try {
      const result = await runClient(['--url', unknown, '--callback-port=0', 'list'], env('unknown'));
      assert.equal(result.code, 3, result.stderr);
      const line = result.stderr.split('\n').find((text) => text.startsWith('mcp-auth-client:')) ?? '';
      assert.match(
        line,
        new RegExp(`invalid_target \\(unknown resource "${unknown}"\\)`),
        'what the AS said',
      );
      assert.match(
        line,
        new RegExp(`start it with \`mcp-auth-as --resource ${unknown}\` or add it to its --config`),
      );
    } finally {
      await stranger.close();
    }
  });

  it('the AS started again on a fresh data folder: the client registers again and signs in, the RS reads the new credential', async () => {
    const [asPort, rsPort] = [await freePort(), await freePort()];
    const own = `http://localhost:${rsPort}/mcp`;
    const dataDir = join(home, 'reset-as-data');
    const first = await startTestAuthorizationServer([own], { port: asPort, dataDir });
    const server = await startTestResourceServer(rsPort, first, { introspectionCacheSeconds: 0 });
    let second: TestAuthorizationServer | undefined;
    try {
      const signedIn = await runClient(['--url', own, '--callback-port=0', 'list'], env('reset'));
      assert.equal(signedIn.code, 0, signedIn.stderr);
      await first.close(); // its data folder goes with it
      second = await startTestAuthorizationServer([own], { port: asPort, dataDir });
      const again = await runClient(['--url', own, '--callback-port=0', 'list'], env('reset'));
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^calculator\b/m);
      assert.match(again.stderr, /Your saved sign-in has expired or was revoked/);
      assert.doesNotMatch(again.stderr, /^mcp-auth-client:/m, 'no error on the way');
    } finally {
      await server.close();
      await second?.close();
      await first.close();
    }
  });

  it('AS down: at the first sign-in, names the AS and how to start it; while signed in, says the MCP server cannot reach it', async () => {
    await storeSignIn(join(home, 'held', 'mcp-auth', 'client'), as, resource);
    await as.close();
    const firstSignIn = await runClient(['--url', resource, '--callback-port=0', 'list'], env('first'));
    assert.equal(firstSignIn.code, 1);
    assert.match(
      assertOneClearLine(firstSignIn),
      new RegExp(
        `^mcp-auth-client: cannot reach the authorization server at ${as.issuer} \\(connection refused\\).*is mcp-auth-as running\\? Start it with: npx mcp-auth-as`,
      ),
    );
    const signedIn = await runClient(['--url', resource, 'list'], env('held'));
    assert.equal(signedIn.code, 1);
    assert.match(
      assertOneClearLine(signedIn),
      new RegExp(
        `the MCP server at ${resource} cannot reach its authorization server right now \\(HTTP 503.*try again in 5 s`,
      ),
    );
  });
});
