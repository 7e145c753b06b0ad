import assert from 'node:assert/strict';
import { validateHeaderValue } from 'node:http';
import { describe, it } from 'node:test';
import { challengeBody, challengeHeader, challengeHeaders } from '../../src/auth/bearer-challenge.ts';

const METADATA = 'http://localhost:8001/.well-known/oauth-protected-resource/mcp';

/** Parses `Bearer k="v", …` auth-params, undoing RFC 9110 §5.6.4 quoted-pair escapes. */
function parameters(header: string): Record<string, string> {
  assert.ok(header.startsWith('Bearer '), header);
  const result: Record<string, string> = {};
  const rest = header.slice('Bearer '.length);
  const pattern = /([a-z_]+)="((?:[^"\\]|\\.)*)"(?:, |$)/gy;
  let consumed = 0;
  for (const match of rest.matchAll(pattern)) {
    result[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, '$1');
    consumed += match[0].length;
  }
  assert.equal(consumed, rest.length, `unparsed remainder in ${JSON.stringify(header)}`);
  return result;
}

describe('Bearer challenge header (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('no token: resource_metadata and scope only, no error code (RFC 6750 §3.1)', () => {
    assert.equal(
      challengeHeader({ status: 401, scopes: ['user'] }, METADATA),
      `Bearer resource_metadata="${METADATA}", scope="user"`,
    );
  });

  it('invalid token: error and error_description come first, then resource_metadata and scope', () => {
    assert.equal(
      challengeHeader(
        {
          status: 401,
          error: 'invalid_token',
          description: 'the access token has expired',
          scopes: ['user'],
        },
        METADATA,
      ),
      `Bearer error="invalid_token", error_description="the access token has expired", resource_metadata="${METADATA}", scope="user"`,
    );
  });

  it('insufficient_scope: scope lists every required scope, space-separated (RFC 6750 §3)', () => {
    const header = challengeHeader(
      { status: 403, error: 'insufficient_scope', description: 'needs admin', scopes: ['user', 'admin'] },
      METADATA,
    );
    assert.deepEqual(parameters(header), {
      error: 'insufficient_scope',
      error_description: 'needs admin',
      resource_metadata: METADATA,
      scope: 'user admin',
    });
  });

  it('omits scope when the operation needs none', () => {
    assert.equal(
      challengeHeader({ status: 401, scopes: [] }, METADATA),
      `Bearer resource_metadata="${METADATA}"`,
    );
  });

  it('escapes " and \\ inside quoted-strings (RFC 9110 §5.6.4)', () => {
    const description = 'say "hi" \\ bye';
    const header = challengeHeader(
      { status: 400, error: 'invalid_request', description, scopes: [] },
      METADATA,
    );
    assert.ok(header.includes('error_description="say \\"hi\\" \\\\ bye"'), header);
    assert.equal(parameters(header).error_description, description);
  });

  it('strips control characters, so no header splitting and a value Node accepts', () => {
    const description = 'line1\r\nWWW-Authenticate: Basic\u0000\u0007\u001f\u007f\tend';
    const header = challengeHeader(
      { status: 401, error: 'invalid_token', description, scopes: ['user'] },
      METADATA,
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none remain is the point
    assert.doesNotMatch(header, /[\u0000-\u001f\u007f]/);
    assert.doesNotThrow(() => validateHeaderValue('www-authenticate', header));
    assert.equal(parameters(header).error_description, 'line1WWW-Authenticate: Basicend');
  });
});

describe('challenge body', () => {
  it('carries the error code and description of the challenge', () => {
    assert.deepEqual(
      challengeBody({
        status: 403,
        error: 'insufficient_scope',
        description: 'needs admin',
        scopes: ['admin'],
      }),
      { error: 'insufficient_scope', error_description: 'needs admin' },
    );
  });

  it('without an error code (no token) it still names an error and a description for JSON clients', () => {
    const body = challengeBody({ status: 401, scopes: ['user'] });
    assert.equal(body.error, 'invalid_token');
    assert.ok(body.error_description && body.error_description.length > 0);
  });
});

describe('DPoP challenge beside Bearer (RFC 9449 §7.1)', () => {
  it('both schemes are offered; the error goes in the challenge of the scheme it is about', () => {
    const context = { resourceMetadataUrl: METADATA, dpopRequired: false };
    const [bearer, dpop] = challengeHeaders(
      { status: 401, error: 'invalid_dpop_proof', description: 'bad', scopes: ['user'], scheme: 'DPoP' },
      context,
    );
    assert.equal(bearer, `Bearer resource_metadata="${METADATA}", scope="user"`);
    assert.match(
      dpop ?? '',
      /^DPoP error="invalid_dpop_proof", error_description="bad", algs="ES256 [^"]*", resource_metadata=/,
    );
    const [bearerError, dpopPlain] = challengeHeaders(
      { status: 401, error: 'invalid_token', scopes: [] },
      context,
    );
    assert.match(bearerError ?? '', /^Bearer error="invalid_token"/);
    assert.doesNotMatch(dpopPlain ?? '', /error=/);
  });

  it('with --require-dpop only the DPoP scheme is offered, carrying every error and the metadata URL', () => {
    const headers = challengeHeaders(
      { status: 401, error: 'invalid_token', scopes: ['user'] },
      { resourceMetadataUrl: METADATA, dpopRequired: true },
    );
    assert.equal(headers.length, 1);
    assert.match(
      headers[0] ?? '',
      /^DPoP error="invalid_token", algs="[^"]+", resource_metadata="[^"]+", scope="user"$/,
    );
    for (const header of headers) validateHeaderValue('www-authenticate', header);
  });
});
