import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorizationUrlProblem,
  pkceSupportProblem,
  preregisteredIssuerProblem,
} from '../../src/oauth/authorization-server-checks.ts';

describe('what the client requires of an authorization server before sending a person there', () => {
  const issuer = 'https://as.example';

  it('MCP Authorization Code Protection: AS metadata without code_challenge_methods_supported, or without S256, is refused', () => {
    assert.equal(
      pkceSupportProblem({ issuer, code_challenge_methods_supported: ['S256'] }, issuer),
      undefined,
    );
    assert.equal(
      pkceSupportProblem({ issuer, code_challenge_methods_supported: ['plain', 'S256'] }, issuer),
      undefined,
    );
    const missing = pkceSupportProblem({ issuer }, issuer);
    assert.match(missing ?? '', /https:\/\/as\.example does not advertise PKCE with S256/);
    assert.match(missing ?? '', /code_challenge_methods_supported is missing/);
    assert.match(missing ?? '', /ask its operator to enable PKCE with S256$/);
    assert.match(
      pkceSupportProblem({ issuer, code_challenge_methods_supported: ['plain'] }, issuer) ?? '',
      /lists only "plain"/,
    );
    assert.match(
      pkceSupportProblem({ issuer, code_challenge_methods_supported: [] }, issuer) ?? '',
      /lists only nothing/,
    );
    assert.match(
      pkceSupportProblem({ issuer, code_challenge_methods_supported: 'S256' }, issuer) ?? '',
      /is missing/,
    );
  });

  it('OAuth 2.1 §1.5: a plain-http authorization endpoint is refused unless it is on loopback', () => {
    for (const allowed of [
      'https://as.example/auth?x=1',
      'http://127.0.0.1:9000/auth',
      'http://localhost:9000/auth',
      'http://[::1]:9000/auth',
      'http://127.0.0.2/auth',
    ]) {
      assert.equal(authorizationUrlProblem(new URL(allowed)), undefined, allowed);
    }
    for (const refused of [
      'http://as.example/auth',
      'http://localhost.evil.example/auth',
      'http://127.0.0.1.nip.io/auth',
      'http://10.0.0.1/auth',
      'ftp://as.example/auth',
    ]) {
      const problem = authorizationUrlProblem(new URL(refused));
      assert.match(problem ?? '', /which is not https; .* ask its operator to serve it over https$/, refused);
      assert.ok(problem?.includes(`sign-ins to ${refused.slice(0, refused.indexOf('/auth'))},`), refused);
    }
  });

  it('MCP Authorization Server Binding: a pre-registered client at another AS is a problem naming both', () => {
    assert.equal(preregisteredIssuerProblem('app', issuer, issuer), undefined);
    // RFC 3986 §6.2.1: issuers compare as strings, so a trailing slash is another AS.
    assert.ok(preregisteredIssuerProblem('app', issuer, `${issuer}/`));
    const problem = preregisteredIssuerProblem('app', issuer, 'https://other.example') ?? '';
    assert.match(problem, /"app" belongs to the authorization server https:\/\/as\.example/);
    assert.match(problem, /Register a client at https:\/\/other\.example and pass its --client-id/);
  });
});
