import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { everyEndpoint, INITIALIZE, post, withHeaders } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * DNS rebinding (MCP Streamable HTTP "Security Warning"): a page on attacker.example rebinds its
 * name to 127.0.0.1, and the person's browser then sends it requests to this local server, as
 * same-origin requests of attacker.example. The `Host` header (the attacker's name) and the
 * `Origin` header (the attacker's origin) give it away: both are refused with 403 on every path,
 * before a token is even looked at, so the page learns nothing either.
 */
describe('DNS rebinding: Host and Origin checks', () => {
  let stack: Stack;
  let userToken: string;
  before(async () => {
    stack = await startStack();
    userToken = await stack.token();
  });
  after(() => stack.close());

  /** A request with a Host header of our choosing (fetch would set its own). */
  const statusWithHost = (url: string, init: RequestInit, host: string) =>
    new Promise<number>((resolve, reject) => {
      const outgoing = request(url, {
        method: init.method,
        headers: { ...(init.headers as Record<string, string>), host },
      });
      outgoing.on('response', (incoming) => {
        incoming.resume();
        resolve(incoming.statusCode ?? 0);
      });
      outgoing.on('error', reject);
      outgoing.end(typeof init.body === 'string' ? init.body : undefined);
    });

  it('MCP Streamable HTTP security warning: a foreign Origin is refused with 403 (DNS rebinding); a foreign Host too', async () => {
    const foreignOrigin = await post(stack.resourceUrl, INITIALIZE, {
      authorization: `Bearer ${userToken}`,
      origin: 'http://evil.example',
    });
    assert.equal(foreignOrigin.status, 403);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        stack.resourceUrl,
        { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(INITIALIZE));
    });
    assert.equal(status, 403);
  });

  it('a rebinding Host is 403 on every endpoint and path, a valid token or not', async () => {
    const port = new URL(stack.resourceUrl).port;
    const origin = new URL(stack.resourceUrl).origin;
    const paths: Array<[string, string, RequestInit]> = [
      ...everyEndpoint(stack.resourceUrl),
      ['GET metadata', `${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'GET' }],
      ['GET an unknown path', `${origin}/nothing-here`, { method: 'GET' }],
    ];
    for (const host of [
      `attacker.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `localhost:${Number(port) + 1}`,
      'localhost',
    ]) {
      for (const [name, url, init] of paths) {
        for (const token of [undefined, userToken]) {
          const headers = token ? withHeaders(init, { authorization: `Bearer ${token}` }) : init;
          assert.equal(await statusWithHost(url, headers, host), 403, `${name}, Host ${host}`);
        }
      }
    }
  });

  it('a foreign Origin is 403 on every MCP endpoint, even with a valid token', async () => {
    for (const origin of [
      'http://attacker.example',
      `http://attacker.example:${new URL(stack.resourceUrl).port}`,
      'null',
    ]) {
      for (const [name, url, init] of everyEndpoint(stack.resourceUrl)) {
        const response = await fetch(
          url,
          withHeaders(init, { origin, authorization: `Bearer ${userToken}` }),
        );
        assert.equal(response.status, 403, `${name}, Origin ${origin}`);
        await response.body?.cancel();
      }
    }
  });

  it('the control: the server’s own Host and Origin, with the token, are served', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE, {
      authorization: `Bearer ${userToken}`,
      origin: new URL(stack.resourceUrl).origin,
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
