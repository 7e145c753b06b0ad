import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { FETCH_BROWSER, startClient } from '../support/client-process.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

/** Whether anything listens on the loopback port (the client's sign-in callback). */
async function listening(port: number): Promise<boolean> {
  try {
    await (await fetch(`http://127.0.0.1:${port}/callback`)).body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/**
 * MCP authorization server discovery happens again on a 401: a server restarted with another
 * `--auth-server` publishes that AS in its protected resource metadata (RFC 9728), and a client
 * in the middle of a session must follow it, registering there rather than offering the old
 * AS's client id or tokens (credentials are bound to the AS that issued them).
 */
describe('an MCP server that moves to another authorization server, mid-session', () => {
  let home: string;
  let as1: TestAuthorizationServer;
  let as2: TestAuthorizationServer;
  let port: number;
  let resource: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-migration-'));
    port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as1 = await startTestAuthorizationServer([resource]);
    as2 = await startTestAuthorizationServer([resource]);
  });
  after(async () => {
    await as1.close();
    await as2.close();
    await rm(home, { recursive: true, force: true });
  });

  it('the REPL signs in at the new AS with its own registration; each sign-in closes its listener; status says as whom; end of input leaves', async () => {
    const browserLog = join(home, 'browser.log');
    await writeFile(browserLog, '');
    const callbackPort = await freePort();
    let rs = await startTestResourceServer(port, as1);
    const client = startClient(
      ['--url', resource, `--callback-port=${callbackPort}`],
      {
        XDG_STATE_HOME: join(home, 'state'),
        BROWSER: FETCH_BROWSER,
        TEST_BROWSER_USERNAME: USER.username,
        TEST_BROWSER_PASSWORD: USER.password,
        TEST_BROWSER_LOG: browserLog,
      },
      { timeoutMs: 90_000 },
    );
    const prompts = (output: { stdout: string }) => output.stdout.split('mcp> ').length - 1;
    const browserUrls = async () =>
      (await readFile(browserLog, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => new URL(line));
    try {
      await client.waitFor((output) => prompts(output) >= 1);
      client.send('call whoami {}');
      await client.waitFor((output) => prompts(output) >= 2);
      assert.match(client.output().stdout, /"username": "alice"/);
      const [first] = await browserUrls();
      assert.equal(first?.origin, as1.issuer, 'the first sign-in is at the AS the server named');
      assert.equal(await listening(callbackPort), false, 'the listener closed when the sign-in ended');

      await rs.close();
      rs = await startTestResourceServer(port, as2);
      client.send('call whoami {}');
      await client.waitFor((output) => prompts(output) >= 3);
      const { stdout, stderr } = client.output();
      assert.equal(stdout.match(/"username": "alice"/g)?.length, 2, `${stdout}\n${stderr}`);
      assert.match(stderr, new RegExp(`now uses the authorization server ${as2.issuer}`));
      const urls = await browserUrls();
      assert.equal(urls.length, 2, 'one more sign-in, at the new AS');
      const second = urls[1];
      assert.equal(second?.origin, as2.issuer);
      assert.notEqual(
        second?.searchParams.get('client_id'),
        first?.searchParams.get('client_id'),
        'the old AS client id is never offered to the new AS',
      );
      const store = new CredentialStore(join(home, 'state', 'mcp-auth', 'client'));
      const registrations = await Promise.all(
        [as1, as2].map((as) => store.read<{ client_id: string }>(store.clientPath(as.issuer))),
      );
      assert.equal(
        registrations[1]?.client_id,
        second?.searchParams.get('client_id'),
        'registered at the new AS',
      );
      assert.equal(await listening(callbackPort), false, 'the listener closed again');

      client.send('status');
      await client.waitFor((output) => prompts(output) >= 4);
      assert.match(client.output().stdout, new RegExp(`Authorization server: +${as2.issuer}`));
      assert.match(client.output().stdout, /Signed in as: +alice/, 'as whom, from the server');

      client.end();
      const result = await client.done;
      assert.equal(result.code, 0, result.stderr);
    } finally {
      client.end();
      await client.done;
      await rs.close();
    }
  });
});
