import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEV_INTROSPECTION_CLIENT_ID,
  devIntrospectionCredentialsFile,
  devIntrospectionCredentialsFrom,
  formatDevIntrospectionCredentials,
} from '../src/dev-introspection-credentials.ts';

const credentials = {
  issuer: 'http://localhost:9000',
  client_id: DEV_INTROSPECTION_CLIENT_ID,
  client_secret: 's'.repeat(43),
};

describe('the development credential file the AS writes and the RS reads', () => {
  it('lives in the AS data folder: MCP_AUTH_AS_DATA_DIR, else $XDG_DATA_HOME/mcp-auth/authorization-server', () => {
    assert.equal(
      devIntrospectionCredentialsFile({ XDG_DATA_HOME: '/x/data' }),
      '/x/data/mcp-auth/authorization-server/dev-introspection-client.json',
    );
    assert.equal(
      devIntrospectionCredentialsFile({ MCP_AUTH_AS_DATA_DIR: '/srv/as' }),
      '/srv/as/dev-introspection-client.json',
    );
  });

  it('what the AS writes, the RS reads back exactly', () => {
    const text = formatDevIntrospectionCredentials(credentials);
    assert.deepEqual(devIntrospectionCredentialsFrom(JSON.parse(text)), credentials);
    assert.ok(text.endsWith('}\n'));
  });

  it('only the three members are written, whatever else the object carries', () => {
    const text = formatDevIntrospectionCredentials({ ...credentials, extra: 'x' } as typeof credentials);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['issuer', 'client_id', 'client_secret']);
  });

  it('a file from before the issuer was recorded still gives its client id and secret', () => {
    assert.deepEqual(devIntrospectionCredentialsFrom({ client_id: 'a', client_secret: 'b' }), {
      client_id: 'a',
      client_secret: 'b',
    });
  });

  it('anything without a string client id and secret holds no credential', () => {
    for (const value of [null, 'text', [], {}, { client_id: 'a' }, { client_id: 1, client_secret: 'b' }]) {
      assert.equal(devIntrospectionCredentialsFrom(value), undefined, JSON.stringify(value));
    }
  });
});
