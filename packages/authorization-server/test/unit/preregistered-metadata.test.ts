import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type PreregisteredMetadata,
  preregisteredMetadataProblem,
} from '../../src/clients/preregistered-metadata.ts';

const base: PreregisteredMetadata = {
  client_id: 'mcp-job',
  client_name: 'Nightly job',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'user',
  client_secret: 's'.repeat(43),
};
const ecKey = { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', kid: 'k1', alg: 'ES256', use: 'sig' };

describe('pre-registered client metadata: what oidc-provider would refuse is refused before it is stored', () => {
  it('a client credentials client, a public app and a private_key_jwt client are accepted', () => {
    assert.equal(preregisteredMetadataProblem(base), undefined);
    const app: PreregisteredMetadata = {
      ...base,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://app.example/cb', 'http://127.0.0.1/cb'],
    };
    assert.equal(preregisteredMetadataProblem(app), undefined);
    const signed = {
      ...base,
      token_endpoint_auth_method: 'private_key_jwt' as const,
      jwks: { keys: [ecKey] },
    };
    assert.equal(preregisteredMetadataProblem(signed), undefined);
  });

  it('grant types: only those this AS enables', () => {
    assert.match(
      preregisteredMetadataProblem({ ...base, grant_types: ['password'] }) ?? '',
      /--grant-type "password"/,
    );
  });

  it('the authorization_code grant needs a redirect URI', () => {
    const problem = preregisteredMetadataProblem({ ...base, grant_types: ['authorization_code'] });
    assert.match(problem ?? '', /authorization_code grant needs --redirect-uri/);
  });

  it('redirect URIs: our rule (OAuth 2.1 §2.3.1), and web URIs only, as for any web application', () => {
    const withRedirect = (uri: string) =>
      preregisteredMetadataProblem({ ...base, grant_types: ['authorization_code'], redirect_uris: [uri] });
    assert.match(withRedirect('http://evil.example/cb') ?? '', /--redirect-uri "http:\/\/evil\.example\/cb"/);
    assert.match(withRedirect('https://app.example/cb#x') ?? '', /fragment/);
    assert.match(withRedirect('com.example.app:/cb') ?? '', /redirects to https, or to http on a loopback/);
  });

  it('scope: RFC 6749 §3.3 names separated by single spaces; offered ones only when the server is known', () => {
    assert.match(preregisteredMetadataProblem({ ...base, scope: 'user  admin' }) ?? '', /single spaces/);
    assert.match(preregisteredMetadataProblem({ ...base, scope: 'a"b' }) ?? '', /RFC 6749 §3.3/);
    assert.equal(preregisteredMetadataProblem({ ...base, scope: 'read' }), undefined, 'no registry known');
    const offered = new Set(['openid', 'offline_access', 'user', 'admin']);
    assert.equal(preregisteredMetadataProblem({ ...base, scope: 'user admin' }, offered), undefined);
    assert.match(
      preregisteredMetadataProblem({ ...base, scope: 'read' }, offered) ?? '',
      /"read".*does not offer/,
    );
  });

  it('client id: printable ASCII (RFC 6749 Appendix A.1)', () => {
    assert.match(preregisteredMetadataProblem({ ...base, client_id: 'a\nb' }) ?? '', /--client-id/);
    assert.match(preregisteredMetadataProblem({ ...base, client_id: 'é' }) ?? '', /--client-id/);
    assert.match(preregisteredMetadataProblem({ ...base, client_name: ' ' }) ?? '', /--name/);
  });

  it('private_key_jwt (RFC 7523) needs public keys: none, a private key or a symmetric key is refused', () => {
    const signed = { ...base, token_endpoint_auth_method: 'private_key_jwt' as const };
    assert.match(preregisteredMetadataProblem(signed) ?? '', /needs --jwks-file/);
    const withKey = (key: Record<string, unknown>) =>
      preregisteredMetadataProblem({ ...signed, jwks: { keys: [key] } });
    assert.match(withKey({ ...ecKey, d: 'private' }) ?? '', /key 1 holds private key material \("d"\)/);
    assert.match(withKey({ kty: 'oct', k: 'c2VjcmV0' }) ?? '', /symmetric/);
    assert.match(withKey({ kty: 'RSA', e: 'AQAB' }) ?? '', /RSA key without "n"/);
    assert.match(withKey({ crv: 'P-256' }) ?? '', /key 1 is not a JSON Web Key/);
  });
});
