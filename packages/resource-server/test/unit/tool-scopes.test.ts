import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopesForMessage, scopesForTool } from '../../src/tools/tool-scopes.ts';

const call = (name: unknown, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});

describe('scopes per operation (RFC 6750 §3.1)', () => {
  it('every MCP request needs user', () => {
    assert.deepEqual(scopesForMessage({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }), ['user']);
    assert.deepEqual(scopesForMessage({ jsonrpc: '2.0', method: 'notifications/initialized' }), ['user']);
  });

  it('an ordinary tool needs only user', () => {
    assert.deepEqual(scopesForMessage(call('get_time')), ['user']);
    assert.deepEqual(scopesForTool('get_weather'), ['user']);
  });

  it('server_stats needs user and admin', () => {
    assert.deepEqual(scopesForMessage(call('server_stats')), ['user', 'admin']);
    assert.deepEqual(scopesForTool('server_stats'), ['user', 'admin']);
  });

  it('a batch needs the union of its messages, without duplicates', () => {
    assert.deepEqual(
      scopesForMessage([call('get_time', 1), call('server_stats', 2), call('server_stats', 3)]),
      ['user', 'admin'],
    );
    assert.deepEqual(scopesForMessage([call('get_time', 1), call('get_weather', 2)]), ['user']);
  });

  it('only tools/call names a tool: server_stats under another method needs only user', () => {
    assert.deepEqual(
      scopesForMessage({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { name: 'server_stats' } }),
      ['user'],
    );
  });

  for (const [what, body] of [
    ['null', null],
    ['a number', 42],
    ['a string', 'server_stats'],
    ['an empty batch', []],
    ['a batch of junk', [null, 1, 'x', [call('server_stats')]]],
    ['a non-string tool name', call(['server_stats'])],
    ['tools/call without params', { jsonrpc: '2.0', id: 1, method: 'tools/call' }],
    ['tools/call with null params', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: null }],
    ['a prototype key as tool name', call('__proto__')],
  ] as Array<[string, unknown]>) {
    it(`junk input (${what}) needs just user and does not throw`, () => {
      assert.deepEqual(scopesForMessage(body), ['user']);
    });
  }
});
