import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  demoResourceRegistry,
  ResourceRegistry,
  resourceRegistrySchema,
} from '../../src/resource-registry.ts';

describe('resource registry (RFC 8707)', () => {
  it('finds a resource by any spelling of its canonical URI; unknown is undefined', () => {
    const registry = new ResourceRegistry(resourceRegistrySchema.parse(demoResourceRegistry()));
    assert.equal(registry.find('http://LOCALHOST:8001/mcp')?.name, 'MCP demo server');
    assert.equal(registry.find('http://localhost:8001/mcp/'), undefined);
    assert.equal(registry.find('http://localhost:8002/mcp'), undefined);
    assert.equal(registry.soleResource?.uri, 'http://localhost:8001/mcp');
    assert.deepEqual(registry.allScopeNames, ['user', 'admin']);
  });

  it('one rule with the resource server: a root resource is found with or without its slash', () => {
    const registry = new ResourceRegistry(
      resourceRegistrySchema.parse([
        { uri: 'https://mcp.example.com/', name: 'Root', scopes: [{ name: 'a', description: 'b' }] },
      ]),
    );
    assert.equal(registry.soleResource?.uri, 'https://mcp.example.com');
    assert.equal(registry.find('https://mcp.example.com')?.name, 'Root');
    assert.equal(registry.find('HTTPS://MCP.example.com:443/')?.name, 'Root');
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
      [
        [{ uri: 'http://a/x', name: 'x', scopes: [{ name: 'a', description: 'b' }], defaultScopes: ['z'] }],
        /default scope \\"z\\" is not one of the scopes/,
      ],
    ];
    for (const [input, message] of cases) {
      const result = resourceRegistrySchema.safeParse(input);
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error?.issues), message);
    }
  });

  it('RFC 6749 §3.3: default scopes are the configured ones, else the first scope listed', () => {
    const registry = new ResourceRegistry(
      resourceRegistrySchema.parse([
        ...demoResourceRegistry(),
        {
          uri: 'https://files.example/mcp',
          name: 'Files',
          scopes: [
            { name: 'files:read', description: 'Read' },
            { name: 'files:write', description: 'Write' },
          ],
        },
      ]),
    );
    assert.deepEqual(registry.find('http://localhost:8001/mcp')?.defaultScopes, ['user']);
    assert.deepEqual(registry.find('https://files.example/mcp')?.defaultScopes, ['files:read']);
  });
});
