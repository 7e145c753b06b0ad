import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIntrospectionVerifier } from '../../src/auth/introspection-verifier.ts';
import { VerifierUnavailableError } from '../../src/errors.ts';
import { createRequestGuards } from '../../src/http/request-guards.ts';
import { protectedResourceMetadataUrl } from '../../src/protected-resource-metadata.ts';
import { currentTime } from '../../src/tools/get-time.ts';

function verifierAnswering(body: string) {
  return createIntrospectionVerifier({
    introspectionEndpoint: 'https://as.example/introspect',
    issuer: 'https://as.example',
    clientId: 'rs',
    clientSecret: 's',
    cacheSeconds: 0,
    cacheSize: 10,
    fetchImpl: async () =>
      new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
}

describe('fixes from the unit-test review', () => {
  it('RFC 6749 §5.1: token_type "bearer" (any case) is an access token', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const verified = await verifierAnswering(
      JSON.stringify({ active: true, exp, token_type: 'bearer', aud: 'x' }),
    ).verifyAccessToken('t');
    assert.equal(verified.expiresAt, exp);
  });

  it('an introspection answer that is not a JSON object is "unavailable" (503), not a crash', async () => {
    for (const body of ['<html>oops</html>', 'null', '[1]']) {
      await assert.rejects(verifierAnswering(body).verifyAccessToken('t'), VerifierUnavailableError, body);
    }
  });

  it('RFC 9728 §3.1: the resource query follows the well-known segment', () => {
    assert.equal(
      protectedResourceMetadataUrl('https://example.com/mcp?tenant=a'),
      'https://example.com/.well-known/oauth-protected-resource/mcp?tenant=a',
    );
  });

  it('configured origins match however they were written (trailing slash, case)', () => {
    const guards = createRequestGuards({
      resourceUrl: 'https://mcp.example.com/mcp',
      port: 443,
      allowedHosts: [],
      allowedOrigins: ['https://App.example/'],
    });
    const request = { headers: { origin: 'https://app.example' } } as never;
    assert.deepEqual(guards.originDecision(request), { allowed: true, origin: 'https://app.example' });
  });

  it('get_time keeps the zone name the caller gave', () => {
    assert.equal(currentTime('Asia/Kolkata', new Date('2026-01-01T00:00:00Z')).timezone, 'Asia/Kolkata');
  });
});
