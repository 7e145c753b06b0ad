import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_BASE_SCOPE, DEMO_SCOPE_NAMES, DEMO_SCOPES, demoScopesForTool } from '../src/demo-scopes.ts';

describe('demo scopes: what the AS consent page promises is what the RS requires', () => {
  it('a tool of the base scope needs the base scope alone', () => {
    for (const tool of ['get_time', 'calculator', 'get_weather', 'whoami']) {
      assert.deepEqual(demoScopesForTool(tool), ['user'], tool);
    }
  });

  it('a tool of another scope needs that scope and the base scope (RFC 6750 §3.1 names every scope needed)', () => {
    assert.deepEqual(demoScopesForTool('server_stats'), ['user', 'admin']);
  });

  it('a tool no scope names needs the base scope only', () => {
    assert.deepEqual(demoScopesForTool('no_such_tool'), ['user']);
  });

  it('each tool is unlocked by exactly one scope, and the base scope is one of them', () => {
    const tools = DEMO_SCOPES.flatMap((scope) => scope.tools);
    assert.equal(new Set(tools).size, tools.length, 'a tool named by two scopes');
    assert.ok(DEMO_SCOPE_NAMES.includes(DEMO_BASE_SCOPE));
    assert.equal(DEMO_SCOPE_NAMES[0], DEMO_BASE_SCOPE, 'scopes_supported lists the base scope first');
  });

  it('scope names are RFC 6749 §3.3 scope-tokens', () => {
    for (const name of DEMO_SCOPE_NAMES) assert.match(name, /^[\x21\x23-\x5b\x5d-\x7e]+$/);
  });
});
