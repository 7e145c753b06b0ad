import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { explainListenError, listenUntilReady } from '../src/http-listener.ts';

/** One GET on its own connection: the status and Retry-After, or the error if the connection was cut. */
function get(port: number, agent?: Agent): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/', ...(agent ? { agent } : {}) });
    outgoing.once('error', reject);
    outgoing.once('response', (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (body += chunk));
      incoming.once('error', reject);
      incoming.once('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          ...(incoming.headers['retry-after'] ? { retryAfter: incoming.headers['retry-after'] } : {}),
          body,
        }),
      );
    });
    outgoing.end();
  });
}

describe('listenUntilReady: listen first, then the app', () => {
  it('a request before the app is served gets 503 with Retry-After: 1, never a hang (RFC 9110 §15.6.4)', async () => {
    const listener = await listenUntilReady({ port: 0, host: '127.0.0.1' });
    try {
      assert.deepEqual(await get(listener.port), { status: 503, retryAfter: '1', body: '' });
    } finally {
      await listener.close();
    }
  });

  it('once the app is served, every request reaches it', async () => {
    const listener = await listenUntilReady({ port: 0, host: '127.0.0.1' });
    try {
      listener.serve((_req, res) => res.end('app'));
      assert.deepEqual(await get(listener.port), { status: 200, body: 'app' });
    } finally {
      await listener.close();
    }
  });

  it('a port in use is one sentence naming the port, the host and the flag to change', async () => {
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const port = (occupant.address() as { port: number }).port;
    try {
      await assert.rejects(listenUntilReady({ port, host: '127.0.0.1', portFlag: '--as-port' }), {
        message: `port ${port} on 127.0.0.1 is already in use; choose another with --as-port`,
      });
    } finally {
      occupant.close();
    }
  });

  it('a privileged port says to choose one above 1023, with the flag (--port unless told)', () => {
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    const explained = explainListenError(denied, { port: 80, host: '0.0.0.0' });
    assert.equal(
      explained.message,
      'not allowed to listen on 0.0.0.0:80; choose a port above 1023 with --port',
    );
    assert.equal(explained.cause, denied);
  });

  it('any other listen failure is passed on as it is', () => {
    const other = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere'), { code: 'ENOTFOUND' });
    assert.equal(explainListenError(other, { port: 1, host: 'nowhere' }), other);
  });

  it('close ends kept-alive connections and frees the port', async () => {
    const listener = await listenUntilReady({ port: 0, host: '127.0.0.1' });
    listener.serve((_req, res) => res.end('app'));
    const agent = new Agent({ keepAlive: true });
    try {
      await get(listener.port, agent);
      await listener.close();
      const again = await listenUntilReady({ port: listener.port, host: '127.0.0.1' });
      await again.close();
    } finally {
      agent.destroy();
    }
  });

  for (const [graceMs, outcome] of [
    [0, 'cut at once'],
    [60_000, 'finishes'],
  ] as const) {
    it(`at close, a request in flight ${outcome} (closeGraceMs ${graceMs})`, async () => {
      const listener = await listenUntilReady({ port: 0, host: '127.0.0.1', closeGraceMs: graceMs });
      let started!: () => void;
      const requestStarted = new Promise<void>((resolve) => (started = resolve));
      let finish!: () => void;
      const mayFinish = new Promise<void>((resolve) => (finish = resolve));
      listener.serve(async (_req, res) => {
        started();
        await mayFinish;
        res.end('finished');
      });
      const answer = get(listener.port).then(
        (response) => response.body,
        () => 'cut',
      );
      await requestStarted;
      const closed = listener.close();
      finish();
      assert.equal(await answer, graceMs === 0 ? 'cut' : 'finished');
      await closed;
    });
  }
});
