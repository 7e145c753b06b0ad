import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type FuzzRun, runFuzz } from '../../src/fuzz/fuzz-harness.ts';
import { FuzzStats } from '../../src/fuzz/fuzz-stats.ts';
import { recordingLogger } from '../../src/fuzz/recording-logger.ts';
import { CredentialPools, type Draft } from '../../src/fuzz/request-draft.ts';

/**
 * The fuzz tests can fail: their harness catches each kind of broken server it promises to
 * (a 5xx, a hang, a dead server, a malformed answer) and names a seed and path that replay it.
 */
describe('the fuzz harness', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/healthz') return void res.end('ok');
      if (req.url === '/boom') {
        res.statusCode = 500;
        return void res.end();
      }
      if (req.url === '/hang') return;
      if (req.url === '/stop') {
        res.end();
        server.close();
        server.closeAllConnections();
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const draftTo = (path: string): Draft => ({
    scenario: `GET ${path}`,
    authenticated: false,
    method: 'GET',
    path,
    spelling: { kind: 'as-is' },
    query: [],
    headers: [['Host', 'localhost']],
    body: { kind: 'empty' },
    framing: 'exact',
    charset: 'utf8',
  });
  const run = (paths: string[], extra: Partial<FuzzRun> = {}): Promise<void> =>
    runFuzz(
      {
        target: { name: 'toy server', port, host: 'localhost' },
        requests: fc.constantFrom(...paths).map(draftTo),
        pools: new CredentialPools(),
        defaultRuns: 50,
        seedOffset: 0,
        serverLog: recordingLogger(),
        answerTimeoutMs: 300,
        env: {},
        ...extra,
      },
      new FuzzStats(),
    );

  it('a 5xx fails the run, with the seed and path that replay it', async () => {
    await assert.rejects(run(['/fine', '/boom']), (error: Error) => {
      assert.match(error.message, /answered 500: no 5xx is documented/);
      assert.match(error.message, /FUZZ_SEED=-?\d+ FUZZ_PATH=\d[\d:]*/);
      return true;
    });
  });

  it('the printed seed and path replay the same failing request', async () => {
    const first = await run(['/fine', '/a', '/boom'], { env: { FUZZ_SEED: '42' } }).catch(
      (error: Error) => error,
    );
    assert.ok(first instanceof Error);
    const path = /FUZZ_PATH=([\d:]+)/.exec(first.message)?.[1];
    assert.ok(path);
    const replayed = await run(['/fine', '/a', '/boom'], { env: { FUZZ_SEED: '42', FUZZ_PATH: path } }).catch(
      (error: Error) => error,
    );
    assert.ok(replayed instanceof Error);
    assert.match(replayed.message, /scenario: GET \/boom/);
  });

  it('a documented 5xx passes', async () => {
    await run(['/fine', '/boom'], {
      documentedServerError: (_exchange, response) => response.status === 500,
    });
  });

  it('no answer within the time limit fails the run as a hang', async () => {
    await assert.rejects(run(['/hang']), /no answer within 300 ms \(the server hangs\)/);
  });

  it('a violated response rule fails the run, naming the rule', async () => {
    await assert.rejects(
      run(['/fine'], { check: (_exchange, response) => (response.status === 404 ? ['a 404 (rule X)'] : []) }),
      /a 404 \(rule X\)/,
    );
  });

  it('a server that stops answering /healthz fails the run as a crash', async () => {
    await assert.rejects(run(['/stop']), /GET \/healthz no longer answers 200 afterwards/);
  });
});
