import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startBanner } from '../../src/cli/start-banner.ts';

const SERVER = {
  resourceUrl: 'http://localhost:8001/mcp',
  authorizationServer: 'http://localhost:9000',
  verifier: 'introspection',
} as const;

describe("mcp-auth-rs's start-up banner", () => {
  it('names the URL a client uses for each transport served: /mcp/sse for the deprecated HTTP+SSE one', () => {
    const sse = startBanner({ ...SERVER, transport: 'sse' });
    assert.match(
      sse,
      /HTTP\+SSE \(deprecated\) http:\/\/localhost:8001\/mcp\/sse {3}\(mcp-auth-client --transport sse\)/,
    );
    assert.doesNotMatch(sse, /Streamable HTTP/);
    const streamable = startBanner({ ...SERVER, transport: 'streamable-http' });
    assert.match(streamable, /Streamable HTTP +http:\/\/localhost:8001\/mcp\n/);
    assert.doesNotMatch(streamable, /\/mcp\/sse/);
    const all = startBanner({ ...SERVER, transport: 'all' });
    assert.match(all, /Streamable HTTP +http:\/\/localhost:8001\/mcp\n/);
    assert.match(all, /\/mcp\/sse/);
    assert.match(all, /metadata +http:\/\/localhost:8001\/\.well-known\/oauth-protected-resource\/mcp/);
  });
});
