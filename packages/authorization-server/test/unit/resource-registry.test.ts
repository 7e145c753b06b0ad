import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalResourceUri,
  demoResourceRegistry,
  ResourceRegistry,
  resourceRegistrySchema,
} from '../../src/resources/resource-registry.ts';

describe('resource registry (RFC 8707)', () => {
  it('canonical URIs: lower-case scheme and host, no default port, path kept exactly', () => {
    assert.equal(canonicalResourceUri('HTTP://LocalHost:8001/mcp'), 'http://localhost:8001/mcp');
    assert.equal(canonicalResourceUri('https://example.com:443/mcp'), 'https://example.com/mcp');
    assert.equal(canonicalResourceUri('https://example.com'), 'https://example.com');
    assert.equal(canonicalResourceUri('https://example.com/'), 'https://example.com/');
    assert.equal(canonicalResourceUri('https://example.com/MCP'), 'https://example.com/MCP');
  });

  it('RFC 8707 §2: fragments, relative and non-http URIs, userinfo are not resources', () => {
    for (const value of [
      'https://example.com/mcp#x',
      '/mcp',
      'urn:x:y',
      'ftp://e.com/',
      'https://u:p@e.com/mcp',
      '',
    ]) {
      assert.equal(canonicalResourceUri(value), undefined, value);
    }
  });

  it('finds a resource by any spelling of its canonical URI; unknown is undefined', () => {
    const registry = new ResourceRegistry(resourceRegistrySchema.parse(demoResourceRegistry()));
    assert.equal(registry.find('http://LOCALHOST:8001/mcp')?.name, 'MCP demo server');
    assert.equal(registry.find('http://localhost:8001/mcp/'), undefined);
    assert.equal(registry.find('http://localhost:8002/mcp'), undefined);
    assert.equal(registry.soleResource?.uri, 'http://localhost:8001/mcp');
    assert.deepEqual(registry.allScopeNames, ['user', 'admin']);
  });

  it('rejects bad registries with a message naming the problem', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /too_small|at least|>=1/i],
      [[{ uri: 'nope', name: 'x', scopes: [{ name: 'a', description: 'b' }] }], /absolute http/],
      [[{ uri: 'http://a/x', name: 'x', scopes: [{ name: 'a b', description: 'b' }] }], /scope-token/],
      [
        [
          { uri: 'http://a/x', name: 'x', scopes: [{ name: 'a', description: 'b' }] },
          { uri: 'HTTP://A/x', name: 'y', scopes: [{ name: 'a', description: 'b' }] },
        ],
        /registered twice/,
      ],
      [
        [{ uri: 'http://a/x', name: 'x', scopes: [{ name: 'a', description: 'b' }], tokenFormat: 'paseto' }],
        /opaque|jwt/,
      ],
    ];
    for (const [input, message] of cases) {
      const result = resourceRegistrySchema.safeParse(input);
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error?.issues), message);
    }
  });
});
