import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { sendRawRequest } from '@mcp-auth/test-support/fuzz/raw-http';
import { type RunningSameOriginServer, startSameOriginServer } from '../../src/index.ts';

/**
 * Denial of service by request-target: `//%20` is a valid HTTP/1.1 origin-form target (a path
 * whose first segment is empty, RFC 9112 §3.2.1), but `new URL(target, base)` reads it as a URL
 * reference naming an authority, an invalid one, and throws. Routing must not throw on it: an
 * exception in the request listener is uncaught and ends the whole process, for everyone. Such a
 * path names nothing here (404); a target that is no path at all is 400 (RFC 9112 §3.2).
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

  for (const [target, status] of [
    ['//%20', 404],
    ['//[', 404],
    ['//a:b/mcp', 404],
    ['//%zz/token', 404],
    ['*', 400],
    ['mcp', 400],
  ] as const) {
    it(`GET ${target} → ${status}, and the server keeps answering`, async () => {
      const answer = await send('GET', target);
      assert.equal(answer.kind, 'response');
      assert.equal(answer.kind === 'response' && answer.status, status);
      const health = await send('GET', '/healthz');
      assert.equal(health.kind === 'response' && health.status, 200);
    });
  }
});
