import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { everyEndpoint, INITIALIZE, parseChallenge, post, withHeaders } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * RFC 6750 §2.1: the credential is `Bearer <b64token>`, once. Anything else (another scheme, no
 * token, two tokens, characters a b64token cannot hold, two Authorization headers) is a malformed
 * request, answered 400 `invalid_request` with a challenge pointing to the resource metadata
 * (RFC 6750 §3.1, RFC 9728 §5.1), on every endpoint, before any token is looked up: a parser
 * that guessed would be one an attacker could steer.
 */
const MALFORMED = [
  'Basic YWxpY2U6c2VjcmV0',
  'Bearer',
  'Bearer ',
  'Bearer a b',
  'Bearer a,Bearer b',
  'Bearer "quoted-token"',
  'Bearer tok%65n',
  'Bearer tok<en>',
  'Bearer =abc',
  'Token abc',
  // "DPoP <token>" is a scheme of its own (RFC 9449 §7.1, test/security/dpop-proofs.test.ts);
  // without a token, or with two, it is malformed.
  'DPoP',
  'DPoP a b',
  'Bearer\tabc',
  'bearer-abc',
];

describe('malformed Authorization headers on every endpoint', () => {
  let stack: Stack;
  let userToken: string;
  before(async () => {
    stack = await startStack();
    userToken = await stack.token();
  });
  after(() => stack.close());

  const metadataUrl = () => `${new URL(stack.resourceUrl).origin}/.well-known/oauth-protected-resource/mcp`;

  it('RFC 6750 §2.1: a malformed Authorization header or a token in the URL → 400 invalid_request', async () => {
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', `Bearer ${userToken}, Bearer x`]) {
      const response = await post(stack.resourceUrl, INITIALIZE, { authorization });
      assert.equal(response.status, 400, authorization);
      assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_request');
    }
    const inQuery = await post(`${stack.resourceUrl}?access_token=${userToken}`, INITIALIZE);
    assert.equal(inQuery.status, 400);
  });

  it('RFC 6750 §2.1: every malformed header on every endpoint is 400 invalid_request with the metadata URL', async () => {
    for (const [name, url, init] of everyEndpoint(stack.resourceUrl)) {
      for (const authorization of MALFORMED) {
        const response = await fetch(url, withHeaders(init, { authorization }));
        const what = `${name} with ${JSON.stringify(authorization)}`;
        assert.equal(response.status, 400, what);
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        assert.equal(challenge.error, 'invalid_request', what);
        assert.equal(challenge.resource_metadata, metadataUrl(), what);
        await response.body?.cancel();
      }
    }
  });

  it('RFC 6750 §2: two Authorization header lines, even both with a valid token, are 400 on every endpoint', async () => {
    for (const [name, url, init] of everyEndpoint(stack.resourceUrl)) {
      const status = await new Promise<number>((resolve, reject) => {
        // A flat list of name/value pairs: each entry is sent as its own header line.
        const headers = [
          ...Object.entries(init.headers as Record<string, string>).flat(),
          'authorization',
          `Bearer ${userToken}`,
          'authorization',
          `Bearer ${userToken}`,
        ];
        const outgoing = request(url, { method: init.method, headers });
        outgoing.on('response', (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
        });
        outgoing.on('error', reject);
        outgoing.end(typeof init.body === 'string' ? init.body : undefined);
      });
      assert.equal(status, 400, name);
    }
  });

  it('a valid header in another case of the scheme name is accepted (RFC 9110 §11.1): the check is no guess', async () => {
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `bEARER ${userToken}` });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
