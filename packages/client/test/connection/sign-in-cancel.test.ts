import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approveInBrowser } from '@mcp-auth/test-support/headless-browser';
import { replSessionFor } from '../../src/commands/repl-session-adapter.ts';
import { McpConnection } from '../../src/connection/mcp-connection.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { deferred, outputLines, runScript, startRepl } from '../repl/repl-harness.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  storeSignIn,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

const CLEAR_LINE = '\r\u001b[2K';

/** Whether anything listens at `url`'s port (the client's sign-in callback). */
async function listening(url: string): Promise<boolean> {
  try {
    await (await fetch(url)).body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C while the REPL waits for the browser: the sign-in is cancelled for real, not only the
 * wait for it. The REPL runs in process on a real connection (real AS and RS); the "browser"
 * is a person who first walks away, then, the second time, signs in.
 */
describe('cancelling a sign-in from the REPL', () => {
  let home: string;
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startTestResourceServer>>;
  let resource: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-cancel-'));
    const port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as = await startTestAuthorizationServer([resource]);
    rs = await startTestResourceServer(port, as);
  });
  after(async () => {
    await rs.close();
    await as.close();
    await rm(home, { recursive: true, force: true });
  });

  it("the REPL's status says as whom (through the server's whoami tool), like the command line's", async () => {
    const storeDir = join(home, 'status');
    await storeSignIn(storeDir, as, resource, 'user');
    const connection = await McpConnection.open({
      url: resource,
      transport: 'streamable-http',
      store: new CredentialStore(storeDir),
      callbackPort: 0,
      browser: 'print',
      interactive: true,
      say: () => {},
      stderr: process.stderr,
      env: {},
    });
    try {
      const lines = outputLines(await runScript(replSessionFor(connection, resource), ['status']));
      assert.ok(lines.includes(`Authorization server:  ${as.issuer}`), lines.join('\n'));
      assert.ok(lines.includes(`Signed in as:          ${USER.username}`), lines.join('\n'));
    } finally {
      await connection.close();
    }
  });

  it('Ctrl-C stops the spinner at once, closes the listener, forgets the flow; the next command and a new sign-in work', async () => {
    const storeDir = join(home, 'store');
    await storeSignIn(storeDir, as, resource, 'user');
    const stderrWrites: string[] = [];
    const stderr = {
      isTTY: true,
      write: (chunk: string) => stderrWrites.push(chunk) > 0,
    } as unknown as NodeJS.WriteStream;
    const urls: URL[] = [];
    const shown = [deferred(), deferred()];
    const connection = await McpConnection.open({
      url: resource,
      transport: 'streamable-http',
      store: new CredentialStore(storeDir),
      callbackPort: 0,
      browser: 'print',
      interactive: true,
      say: (line) => {
        const match = /^Sign in at: (\S+)$/.exec(line);
        if (!match?.[1]) return;
        urls.push(new URL(match[1]));
        shown[urls.length - 1]?.resolve();
      },
      stderr,
      env: {},
    });
    const repl = startRepl(replSessionFor(connection, resource));
    try {
      // `server_stats` needs `admin`: a step-up sign-in, and nobody answers in the browser.
      repl.type('call server_stats {}');
      await shown[0]?.promise;
      const redirectUri = urls[0]?.searchParams.get('redirect_uri') ?? '';
      assert.equal(await listening(redirectUri), true, 'the listener waits for the browser');

      repl.controls.interrupt();
      assert.equal(
        stderrWrites.at(-1),
        CLEAR_LINE,
        'the spinner stopped inside Ctrl-C, before the prompt is back',
      );
      await repl.waitFor((output) => output.includes('cancelled'));

      repl.type('status');
      await repl.waitFor((output) => output.includes('Signed in as:'));
      assert.equal(await listening(redirectUri), false, 'the listener closed with the cancelled sign-in');
      assert.equal(stderrWrites.filter((chunk) => chunk === CLEAR_LINE).length, 1, 'the spinner is gone');

      // A new sign-in starts afresh, and this time the person approves it.
      repl.type('call server_stats {}');
      await shown[1]?.promise;
      const second = urls[1];
      assert.ok(second);
      assert.notEqual(second.searchParams.get('state'), urls[0]?.searchParams.get('state'));
      const callback = await approveInBrowser(second, USER, 'http://127.0.0.1');
      await (await fetch(callback)).body?.cancel();
      await repl.waitFor((output) => output.includes('requestsServed'));
    } finally {
      repl.end();
      await repl.done;
      await connection.close();
    }
  });
});
