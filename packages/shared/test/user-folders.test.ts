import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  authorizationServerDataDir,
  clientStoreDir,
  compileCacheDir,
  demoLogDir,
  sameOriginServerDataDir,
} from '../src/user-folders.ts';

const home = homedir();

describe('user folders: the XDG paths people already keep data in', () => {
  it('data: $XDG_DATA_HOME/mcp-auth/<program>, else ~/.local/share', () => {
    assert.equal(
      authorizationServerDataDir({ XDG_DATA_HOME: '/x/data' }),
      '/x/data/mcp-auth/authorization-server',
    );
    assert.equal(authorizationServerDataDir({}), join(home, '.local/share/mcp-auth/authorization-server'));
    assert.equal(sameOriginServerDataDir({ XDG_DATA_HOME: '/x/data' }), '/x/data/mcp-auth/legacy-server');
    assert.equal(sameOriginServerDataDir({}), join(home, '.local/share/mcp-auth/legacy-server'));
  });

  it('MCP_AUTH_AS_DATA_DIR names the authorization server folder for every program that looks for it', () => {
    assert.equal(
      authorizationServerDataDir({ MCP_AUTH_AS_DATA_DIR: '/srv/as', XDG_DATA_HOME: '/x/data' }),
      '/srv/as',
    );
  });

  it('state: $XDG_STATE_HOME/mcp-auth/<program>, else ~/.local/state', () => {
    assert.equal(clientStoreDir({ XDG_STATE_HOME: '/x/state' }), '/x/state/mcp-auth/client');
    assert.equal(clientStoreDir({}), join(home, '.local/state/mcp-auth/client'));
    assert.equal(demoLogDir({ XDG_STATE_HOME: '/x/state' }), '/x/state/mcp-auth/demo');
  });

  it('cache: $XDG_CACHE_HOME/mcp-auth/compile-cache, else ~/.cache', () => {
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/mcp-auth/compile-cache');
    assert.equal(compileCacheDir({}), join(home, '.cache/mcp-auth/compile-cache'));
  });

  it('a blank XDG variable is unset: the default applies', () => {
    assert.equal(clientStoreDir({ XDG_STATE_HOME: '  ' }), join(home, '.local/state/mcp-auth/client'));
    assert.equal(
      authorizationServerDataDir({ XDG_DATA_HOME: '' }),
      join(home, '.local/share/mcp-auth/authorization-server'),
    );
  });
});
