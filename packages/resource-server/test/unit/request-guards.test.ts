import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { createRequestGuards } from '../../src/http/request-guards.ts';

function request(headers: { host?: string; origin?: string }): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

const loopback = createRequestGuards({
  resourceUrl: 'http://localhost:8001/mcp',
  port: 8001,
  allowedHosts: [],
  allowedOrigins: [],
});

const publicServer = createRequestGuards({
  resourceUrl: 'https://mcp.example.com/mcp',
  port: 8001,
  allowedHosts: ['internal.example:8001'],
  allowedOrigins: ['https://app.example'],
});

describe('Host header check (DNS rebinding protection, MCP Streamable HTTP security warning)', () => {
  for (const host of ['localhost:8001', 'LOCALHOST:8001', '127.0.0.1:8001', '[::1]:8001']) {
    it(`a loopback resource accepts the loopback name ${host} on its port`, () => {
      assert.equal(loopback.hostAllowed(request({ host })), true);
    });
  }

  for (const host of ['evil.example:8001', 'evil.example', 'localhost:8002', '127.0.0.1:9000', 'localhost']) {
    it(`a loopback resource refuses Host ${host} (a rebinding name or another port)`, () => {
      assert.equal(loopback.hostAllowed(request({ host })), false);
    });
  }

  it('a request without a Host header is refused', () => {
    assert.equal(loopback.hostAllowed(request({})), false);
  });

  it('a public resource accepts its own host and configured hosts, case-insensitively', () => {
    assert.equal(publicServer.hostAllowed(request({ host: 'mcp.example.com' })), true);
    assert.equal(publicServer.hostAllowed(request({ host: 'MCP.Example.com' })), true);
    assert.equal(publicServer.hostAllowed(request({ host: 'internal.example:8001' })), true);
  });

  it('a public resource gets no loopback aliases: localhost:<port> is refused', () => {
    assert.equal(publicServer.hostAllowed(request({ host: 'localhost:8001' })), false);
    assert.equal(publicServer.hostAllowed(request({ host: '127.0.0.1:8001' })), false);
  });
});

describe('Origin check (DNS rebinding protection)', () => {
  it('no Origin (not a browser) is allowed and nothing is echoed', () => {
    assert.deepEqual(loopback.originDecision(request({})), { allowed: true });
  });

  it("the resource's own origin is allowed and echoed", () => {
    assert.deepEqual(loopback.originDecision(request({ origin: 'http://localhost:8001' })), {
      allowed: true,
      origin: 'http://localhost:8001',
    });
    assert.deepEqual(publicServer.originDecision(request({ origin: 'https://mcp.example.com' })), {
      allowed: true,
      origin: 'https://mcp.example.com',
    });
  });

  it('a configured origin is allowed and echoed', () => {
    assert.deepEqual(publicServer.originDecision(request({ origin: 'https://app.example' })), {
      allowed: true,
      origin: 'https://app.example',
    });
  });

  for (const origin of ['http://localhost:6274', 'http://127.0.0.1:5173', 'http://[::1]:3000']) {
    it(`a loopback resource allows the local browser tool origin ${origin}`, () => {
      assert.deepEqual(loopback.originDecision(request({ origin })), { allowed: true, origin });
    });
  }

  for (const origin of [
    'http://evil.example',
    'http://evil.example:8001',
    'http://localhost.evil.example',
    'null',
    'not a url',
  ]) {
    it(`a loopback resource refuses Origin ${origin}`, () => {
      assert.deepEqual(loopback.originDecision(request({ origin })), { allowed: false });
    });
  }

  it('a public resource refuses loopback origins: only its own and configured ones are trusted', () => {
    assert.deepEqual(publicServer.originDecision(request({ origin: 'http://localhost:6274' })), {
      allowed: false,
    });
    assert.deepEqual(publicServer.originDecision(request({ origin: 'https://evil.example' })), {
      allowed: false,
    });
  });
});
