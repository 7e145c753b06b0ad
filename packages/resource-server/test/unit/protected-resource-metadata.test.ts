import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPaths,
  protectedResourceMetadataUrl,
} from '../../src/protected-resource-metadata.ts';

describe('protected resource metadata URL (RFC 9728 §3.1)', () => {
  it('inserts the well-known segment between host and path: /mcp', () => {
    assert.equal(
      protectedResourceMetadataUrl('http://localhost:8001/mcp'),
      'http://localhost:8001/.well-known/oauth-protected-resource/mcp',
    );
  });

  it('a root resource has no path suffix (with or without the trailing slash)', () => {
    assert.equal(
      protectedResourceMetadataUrl('https://mcp.example.com/'),
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    );
    assert.equal(
      protectedResourceMetadataUrl('https://mcp.example.com'),
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    );
  });

  it('keeps a nested path whole after the well-known segment', () => {
    assert.equal(
      protectedResourceMetadataUrl('https://api.example.com/tenants/acme/mcp'),
      'https://api.example.com/.well-known/oauth-protected-resource/tenants/acme/mcp',
    );
  });

  it('keeps a non-default port and drops a default one (origin serialisation)', () => {
    assert.equal(
      protectedResourceMetadataUrl('https://api.example.com:8443/mcp'),
      'https://api.example.com:8443/.well-known/oauth-protected-resource/mcp',
    );
    assert.equal(
      protectedResourceMetadataUrl('https://api.example.com:443/mcp'),
      'https://api.example.com/.well-known/oauth-protected-resource/mcp',
    );
  });

  it('serves the path-suffixed location and the root location (RFC 9728 §3.1)', () => {
    assert.deepEqual(protectedResourceMetadataPaths('http://localhost:8001/mcp'), [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]);
    assert.deepEqual(protectedResourceMetadataPaths('http://localhost:8001/'), [
      '/.well-known/oauth-protected-resource',
    ]);
  });
});

describe('protected resource metadata document (RFC 9728 §2)', () => {
  it('names exactly the resource URL, the AS, the scopes and header-only bearer use', () => {
    const document = protectedResourceMetadata('http://localhost:8001/mcp', 'http://127.0.0.1:9000');
    assert.equal(document.resource, 'http://localhost:8001/mcp');
    assert.deepEqual(document.authorization_servers, ['http://127.0.0.1:9000']);
    assert.deepEqual(document.scopes_supported, ['user', 'admin']);
    assert.ok(!document.scopes_supported.includes('offline_access'));
    assert.deepEqual(document.bearer_methods_supported, ['header']);
  });
});
