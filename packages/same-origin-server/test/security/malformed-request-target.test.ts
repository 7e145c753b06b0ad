import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { sendRawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { type RunningSameOriginServer, startSameOriginServer } from '../../src/index.ts';

/**
 * Denial of service by request-target: `//%20` is a valid HTTP/1.1 request-target for Node's
 * parser, but as a URL reference it names an authority, and an invalid one (WHATWG URL throws).
 * Routing must not throw on it: an exception in the request listener is uncaught and ends the
 * whole process, for everyone. RFC 9112 §3.2: an invalid request-target gets 400.
 */
describe('a request-target that is no valid URL reference', () => {
  let home: string;
  let server: RunningSameOriginServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-target-'));
    server = await startSameOriginServer({ port: 0, dataDir: join(home, 'data') }, { logger: silentLogger });
  });
  after(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  const send = (method: string, target: string) =>
    sendRawRequest(
      {
        method,
        target,
        headers: [['Host', `localhost:${server.port}`]],
        body: new Uint8Array(),
        framing: 'none',
      },
      { port: server.port, timeoutMs: 10_000 },
    );

  for (const target of ['//%20', '//[', '//a:b/mcp', '//%zz/token']) {
    it(`GET ${target} → 400, and the server keeps answering`, async () => {
      const answer = await send('GET', target);
      assert.equal(answer.kind, 'response');
      assert.equal(answer.kind === 'response' && answer.status, 400);
      const health = await send('GET', '/healthz');
      assert.equal(health.kind === 'response' && health.status, 200);
    });
  }
});
