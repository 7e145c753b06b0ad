import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_AUTHORIZATION_SERVER_PORT,
  DEFAULT_ISSUER,
  DEFAULT_MCP_URL,
  DEFAULT_RESOURCE_SERVER_PORT,
  localIssuer,
  localMcpUrl,
} from '../src/default-addresses.ts';

describe('default addresses the programs agree on', () => {
  it('the documented defaults: AS on 9000, RS on 8001, the MCP endpoint at /mcp', () => {
    assert.equal(DEFAULT_AUTHORIZATION_SERVER_PORT, 9000);
    assert.equal(DEFAULT_RESOURCE_SERVER_PORT, 8001);
    assert.equal(DEFAULT_ISSUER, 'http://localhost:9000');
    assert.equal(DEFAULT_MCP_URL, 'http://localhost:8001/mcp');
  });

  it('an issuer on this machine is an origin without a path or trailing slash (RFC 8414 §2)', () => {
    const issuer = new URL(localIssuer(9123));
    assert.equal(localIssuer(9123), issuer.origin);
    assert.equal(issuer.hostname, 'localhost');
  });

  it('the MCP URL of a resource server names its port and the /mcp path', () => {
    assert.equal(localMcpUrl(8123), 'http://localhost:8123/mcp');
  });
});
