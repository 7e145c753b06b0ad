import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePermissions, missingScopes, resourceScopes, scopeUnion } from '../../src/oauth/scopes.ts';

describe('scope arithmetic (RFC 6749 §3.3)', () => {
  it('union: each token once, first-seen order; nothing → undefined', () => {
    assert.equal(scopeUnion('admin', 'user admin', undefined, ' user  write '), 'admin user write');
    assert.equal(scopeUnion(undefined, ''), undefined);
  });

  it('missing: what the challenge needs that the token lacks', () => {
    assert.deepEqual(missingScopes('user admin', 'user offline_access'), ['admin']);
    assert.deepEqual(missingScopes('user', 'user admin'), []);
    assert.deepEqual(missingScopes('user', undefined), ['user']);
  });

  it('a re-authorization asks again for the resource scopes held, leaving offline_access to the SDK (SEP-2207)', () => {
    assert.equal(resourceScopes('user admin offline_access'), 'user admin');
    assert.equal(resourceScopes('offline_access'), undefined);
  });

  it('permissions read as a sentence', () => {
    assert.equal(describePermissions(['admin']), 'the `admin` permission');
    assert.equal(describePermissions(['admin', 'write']), 'the `admin` and `write` permissions');
    assert.equal(describePermissions(['a', 'b', 'c']), 'the `a`, `b` and `c` permissions');
  });
});
