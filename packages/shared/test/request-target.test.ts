import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { normalizeRequestTarget, requestTargetUrl } from '../src/request-target.ts';

function request(url: string, host = 'localhost:8001'): IncomingMessage {
  return { url, headers: { host } } as unknown as IncomingMessage;
}

describe('request targets (RFC 9112 §3.2)', () => {
  it('origin-form is kept as sent', () => {
    const req = request('/mcp?x=1');
    assert.equal(normalizeRequestTarget(req), true);
    assert.equal(req.url, '/mcp?x=1');
    assert.equal(req.headers.host, 'localhost:8001');
  });

  it('absolute-form becomes origin-form and its authority replaces Host (§3.2.2, §7.2)', () => {
    const req = request('http://evil.example:81/.well-known/oauth-authorization-server?a=b');
    assert.equal(normalizeRequestTarget(req), true);
    assert.equal(req.url, '/.well-known/oauth-authorization-server?a=b');
    assert.equal(req.headers.host, 'evil.example:81');
  });

  for (const target of [
    '*',
    'mcp',
    'ftp://x/mcp',
    'http://',
    'http://user:pw@host/mcp',
    '',
    // RFC 9112 §3.2, RFC 3986 §3.3: no fragment and no backslash in a request-target.
    '/\\!@#',
    '/mcp#x',
    '/a\\b',
    'http://host/mcp#x',
  ]) {
    it(`${JSON.stringify(target)} is refused`, () => {
      assert.equal(normalizeRequestTarget(request(target)), false);
    });
  }

  it('a path starting with // stays a path, never an authority', () => {
    assert.equal(requestTargetUrl(request('//evil.example/mcp'))?.pathname, '//evil.example/mcp');
    assert.equal(requestTargetUrl(request('//%20'))?.pathname, '//%20');
    assert.equal(requestTargetUrl(request('//'))?.pathname, '//');
  });

  it('the query is read from an origin-form target', () => {
    assert.equal(
      requestTargetUrl(request('/mcp/messages?sessionId=abc'))?.searchParams.get('sessionId'),
      'abc',
    );
  });

  it('no URL for a target that is not origin-form', () => {
    assert.equal(requestTargetUrl(request('http://x/mcp')), undefined);
    assert.equal(requestTargetUrl(request('*')), undefined);
  });
});
