import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { createLogger } from '@mcp-auth/shared';
import { hashPassword, verifyPassword } from '../../src/accounts/password-hash.ts';
import { CsrfProtection } from '../../src/interactions/csrf.ts';
import { loopbackWithoutPort } from '../../src/provider/client-patches.ts';
import { isIntrospectionAllowed } from '../../src/provider/introspection-policy.ts';
import { memoryRateLimiter } from '../../src/rate-limits/memory-rate-limiter.ts';
import { ResourceRegistry, resourceRegistrySchema } from '../../src/resource-registry.ts';

describe('password hashing', () => {
  it('verifies the right password, refuses a wrong one and malformed hashes', async () => {
    const hash = await hashPassword('s3cret-password');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('s3cret-password', hash), true);
    assert.equal(await verifyPassword('s3cret-passworD', hash), false);
    for (const bad of ['', 'scrypt$1$1$1$a$b', 'bcrypt$x', `${hash}$extra`, 'scrypt$99999999$8$1$YQ$YQ']) {
      assert.equal(await verifyPassword('s3cret-password', bad), false, bad);
    }
  });
  it('salts: the same password hashes differently', async () => {
    assert.notEqual(await hashPassword('same-password'), await hashPassword('same-password'));
  });
});

describe('rate limiter', () => {
  it('allows N per window per key, then refuses with a retry time, then allows again', async () => {
    let now = 0;
    const limiter = memoryRateLimiter({ points: 2, windowSeconds: 60 }, () => now);
    assert.equal((await limiter.consume('a')).allowed, true);
    assert.equal((await limiter.consume('a')).allowed, true);
    const refused = await limiter.consume('a');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 60);
    assert.equal((await limiter.check('a')).allowed, false, 'check sees the limit without counting');
    assert.equal((await limiter.check('b')).allowed, true);
    assert.equal((await limiter.consume('b')).allowed, true, 'keys are independent');
    now = 60_000;
    assert.equal((await limiter.consume('a')).allowed, true);
  });
});

describe('CSRF protection', () => {
  const csrf = new CsrfProtection(() => ['k'.repeat(43)], 'http://localhost:9000');
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('accepts its own token from its own origin only', () => {
    const token = csrf.tokenFor('uid-1');
    assert.equal(csrf.isValid(request({ origin: 'http://localhost:9000' }), 'uid-1', token), true);
    assert.equal(csrf.isValid(request({}), 'uid-1', token), true, 'no Origin header (older browsers)');
    assert.equal(csrf.isValid(request({ origin: 'http://evil.example' }), 'uid-1', token), false);
    assert.equal(csrf.isValid(request({ origin: 'null' }), 'uid-1', token), false);
    assert.equal(csrf.isValid(request({ 'sec-fetch-site': 'cross-site' }), 'uid-1', token), false);
    assert.equal(csrf.isValid(request({ 'sec-fetch-site': 'same-site' }), 'uid-1', token), false);
    assert.equal(
      csrf.isValid(request({ 'sec-fetch-site': 'same-origin', origin: 'null' }), 'uid-1', token),
      true,
      'Referrer-Policy no-referrer makes browsers send Origin: null on same-origin posts',
    );
    assert.equal(csrf.isValid(request({}), 'uid-2', token), false, 'bound to the interaction');
    assert.equal(csrf.isValid(request({}), 'uid-1', null), false);
    assert.equal(csrf.isValid(request({}), 'uid-1', `${token}x`), false);
  });
});

describe('loopback redirect URIs (RFC 8252 §7.3)', () => {
  it('drops only the port of http(s) loopback URIs', () => {
    assert.equal(loopbackWithoutPort('http://127.0.0.1:4000/cb?x=1'), 'http://127.0.0.1/cb?x=1');
    assert.equal(loopbackWithoutPort('http://[::1]:4000/cb'), 'http://[::1]/cb');
    assert.equal(loopbackWithoutPort('http://localhost:1/cb'), 'http://localhost/cb');
    assert.equal(loopbackWithoutPort('http://127.0.0.2:4000/cb'), undefined);
    assert.equal(loopbackWithoutPort('https://example.com:4000/cb'), undefined);
    assert.equal(loopbackWithoutPort('myapp://127.0.0.1:4000/cb'), undefined);
  });
});

describe('introspection policy (RFC 7662 §2.1, §4)', () => {
  const registry = new ResourceRegistry(
    resourceRegistrySchema.parse([
      { uri: 'https://a.example/mcp', name: 'A', scopes: [{ name: 'user', description: 'u' }] },
      { uri: 'https://b.example/mcp', name: 'B', scopes: [{ name: 'user', description: 'u' }] },
    ]),
  );
  const rs = { clientId: 'rs', clientAuthMethod: 'client_secret_basic' };
  const boundToA = { introspection: { resources: ['https://a.example/mcp'] } };
  const accessFor = (aud: string, clientId = 'x') => ({ kind: 'AccessToken', clientId, aud });

  it('a resource server sees access tokens (also client_credentials) for its resources, nothing else', () => {
    assert.equal(isIntrospectionAllowed(rs, accessFor('https://a.example/mcp'), boundToA, registry), true);
    const clientCredentials = { kind: 'ClientCredentials', clientId: 'x', aud: 'https://a.example/mcp' };
    assert.equal(isIntrospectionAllowed(rs, clientCredentials, boundToA, registry), true);
    assert.equal(isIntrospectionAllowed(rs, accessFor('https://b.example/mcp'), boundToA, registry), false);
    const refreshToken = { kind: 'RefreshToken', clientId: 'x', aud: 'https://a.example/mcp' };
    assert.equal(isIntrospectionAllowed(rs, refreshToken, boundToA, registry), false);
    assert.equal(
      isIntrospectionAllowed(rs, { kind: 'AccessToken', clientId: 'x' }, boundToA, registry),
      false,
    );
  });

  it('every registered resource (the development credential) still means access tokens only', () => {
    const every = { introspection: { everyResource: true as const } };
    assert.equal(isIntrospectionAllowed(rs, accessFor('https://b.example/mcp'), every, registry), true);
    assert.equal(
      isIntrospectionAllowed(rs, accessFor('https://elsewhere.example/mcp'), every, registry),
      false,
    );
    assert.equal(isIntrospectionAllowed(rs, { kind: 'RefreshToken', clientId: 'x' }, every, registry), false);
  });

  it('other confidential clients see only their own tokens; public clients never', () => {
    const client = { clientId: 'c', clientAuthMethod: 'client_secret_basic' };
    assert.equal(
      isIntrospectionAllowed(client, accessFor('https://a.example/mcp'), undefined, registry),
      false,
    );
    assert.equal(
      isIntrospectionAllowed(client, accessFor('https://a.example/mcp', 'c'), undefined, registry),
      true,
    );
    const publicClient = { clientId: 'c', clientAuthMethod: 'none' };
    assert.equal(
      isIntrospectionAllowed(publicClient, accessFor('https://a.example/mcp', 'c'), boundToA, registry),
      false,
    );
  });
});

describe('structured logs', () => {
  it('are JSON lines and never carry secret-named fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) }).child({ component: 'test' });
    logger.info('hello', { access_token: 'abc', password: 'pw', clientId: 'c1', authorization: 'Bearer x' });
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(record.msg, 'hello');
    assert.equal(record.component, 'test');
    assert.equal(record.clientId, 'c1');
    assert.equal(record.access_token, '[redacted]');
    assert.equal(record.password, '[redacted]');
    assert.equal(record.authorization, '[redacted]');
    assert.doesNotMatch(lines[0] ?? '', /abc|Bearer x/);
  });
});
