import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insecureIssuerProblem, issuerFrom } from '../../src/issuer.ts';

describe('the issuer, read once (RFC 8414 §2)', () => {
  it('gives its origin, its host with the port, and whether it is loopback or https', () => {
    assert.deepEqual(issuerFrom('http://localhost:9000'), {
      url: 'http://localhost:9000',
      origin: 'http://localhost:9000',
      host: 'localhost:9000',
      isLoopback: true,
      isHttps: false,
    });
    const remote = issuerFrom('https://auth.example.com');
    assert.equal(remote.host, 'auth.example.com');
    assert.equal(remote.isLoopback, false);
    assert.equal(remote.isHttps, true);
  });

  it('127.0.0.0/8 and [::1] are loopback too', () => {
    assert.equal(issuerFrom('http://127.0.0.2:9000').isLoopback, true);
    assert.equal(issuerFrom('http://[::1]:9000').isLoopback, true);
    assert.equal(issuerFrom('http://[::1]:9000').host, '[::1]:9000');
  });

  it('OAuth 2.1 §1.5: plain http only on loopback, unless the operator dangerously allows it', () => {
    assert.equal(insecureIssuerProblem('http://localhost:9000', false), undefined);
    assert.equal(insecureIssuerProblem('https://auth.example.com', false), undefined);
    assert.match(insecureIssuerProblem('http://auth.example.com', false) ?? '', /must use https/);
    assert.equal(insecureIssuerProblem('http://auth.example.com', true), undefined);
  });
});
