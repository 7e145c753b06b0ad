import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalResourceUri, sameResource } from '../src/resource-uri.ts';

const RESOURCE = 'http://localhost:8001/mcp';

describe('canonical resource URI (RFC 8707 §2, MCP "Canonical Server URI")', () => {
  it('canonical URIs: lower-case scheme and host, no default port, path kept exactly', () => {
    assert.equal(canonicalResourceUri('HTTP://LocalHost:8001/mcp'), 'http://localhost:8001/mcp');
    assert.equal(canonicalResourceUri('https://example.com:443/mcp'), 'https://example.com/mcp');
    assert.equal(canonicalResourceUri('https://example.com'), 'https://example.com');
    assert.equal(canonicalResourceUri('https://example.com/MCP'), 'https://example.com/MCP');
  });

  it('the root is spelled without its slash (RFC 3986 §6.2.3: an empty path is "/")', () => {
    assert.equal(canonicalResourceUri('https://example.com/'), 'https://example.com');
    assert.equal(canonicalResourceUri('https://example.com/?tenant=a'), 'https://example.com?tenant=a');
  });

  it('RFC 8707 §2: fragments, relative and non-http URIs, userinfo are not resources', () => {
    for (const value of [
      'https://example.com/mcp#x',
      'https://example.com/mcp#',
      '/mcp',
      'mcp',
      'urn:x:y',
      'ftp://e.com/',
      'https://u:p@e.com/mcp',
      'https://u@e.com/mcp',
      '',
    ]) {
      assert.equal(canonicalResourceUri(value), undefined, value);
    }
  });

  it('RFC 3986 §6.2.2.2: escaped unreserved characters are decoded, other escapes get upper-case hex', () => {
    assert.equal(canonicalResourceUri('https://example.com/%7Euser/mcp'), 'https://example.com/~user/mcp');
    assert.equal(canonicalResourceUri('https://example.com/a%2fb'), 'https://example.com/a%2Fb');
    assert.equal(canonicalResourceUri('https://example.com/mcp?x=%7e'), 'https://example.com/mcp?x=~');
  });

  it('IPv6 hosts take their shortest form; an empty query is no query', () => {
    assert.equal(canonicalResourceUri('http://[0:0:0:0:0:0:0:1]:8001/mcp'), 'http://[::1]:8001/mcp');
    assert.equal(canonicalResourceUri('https://example.com/mcp?'), 'https://example.com/mcp');
  });
});

describe('sameResource: one comparison for the AS registry and the RS audience check', () => {
  const same: Array<[string, string, string]> = [
    ['identical', RESOURCE, RESOURCE],
    ['scheme and host case', 'HTTP://LocalHost:8001/mcp', RESOURCE],
    ['explicit default http port', 'http://example.com:80/mcp', 'http://example.com/mcp'],
    ['explicit default https port', 'https://example.com:443/mcp', 'https://example.com/mcp'],
    ['root with and without slash', 'https://example.com', 'https://example.com/'],
    ['same query', 'https://example.com/mcp?tenant=a', 'https://example.com/mcp?tenant=a'],
    ['percent-encoded unreserved character', 'https://example.com/%7Emcp', 'https://example.com/~mcp'],
    ['percent-encoding hex case', 'https://example.com/a%2fb', 'https://example.com/a%2Fb'],
    ['dot segments', 'https://example.com/x/../mcp', 'https://example.com/mcp'],
    ['IPv6 spellings', 'http://[::1]:8001/mcp', 'http://[0::1]:8001/mcp'],
    ['IPv6 case', 'http://[::ABCD]/mcp', 'http://[::abcd]/mcp'],
  ];
  for (const [what, a, b] of same) {
    it(`equal: ${what}`, () => {
      assert.equal(sameResource(a, b), true);
      assert.equal(sameResource(b, a), true);
    });
  }

  const different: Array<[string, string, string]> = [
    ['trailing slash on a path', 'http://localhost:8001/mcp/', RESOURCE],
    ['path case', 'http://localhost:8001/MCP', RESOURCE],
    ['scheme', 'https://localhost:8001/mcp', RESOURCE],
    ['port', 'http://localhost:8002/mcp', RESOURCE],
    ['host', 'http://127.0.0.1:8001/mcp', RESOURCE],
    ['query', 'https://example.com/mcp?tenant=a', 'https://example.com/mcp?tenant=b'],
    ['query present on one side', 'https://example.com/mcp?tenant=a', 'https://example.com/mcp'],
    ['longer path', 'http://localhost:8001/mcp/extra', RESOURCE],
    ['an escaped slash is not a slash', 'https://example.com/a%2Fb', 'https://example.com/a/b'],
    ['a fragment makes it no resource', `${RESOURCE}#x`, RESOURCE],
    ['userinfo makes it no resource', 'http://user@localhost:8001/mcp', RESOURCE],
    ['IPv6 loopback is not localhost', 'http://[::1]:8001/mcp', RESOURCE],
    ['not a URL', 'mcp', RESOURCE],
    ['empty', '', RESOURCE],
  ];
  for (const [what, a, b] of different) {
    it(`different: ${what}`, () => {
      assert.equal(sameResource(a, b), false);
      assert.equal(sameResource(b, a), false);
    });
  }

  it('two values that are no resource are not the same resource', () => {
    assert.equal(sameResource('mcp', 'mcp'), false);
    assert.equal(sameResource('urn:x:y', 'urn:x:y'), false);
  });
});
