import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { everyEndpoint, parseChallenge, withHeaders } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * OAuth 2.1 §5.2.1 and MCP authorization ("Token Requirements"): an access token is sent in the
 * Authorization header, never in the URL, where it lands in logs, histories and Referer headers.
 * A token in the query string is refused with 400 `invalid_request` on every endpoint, whether or
 * not the header carries one too: quietly ignoring it would teach clients that it works.
 */
describe('tokens in query strings on every endpoint', () => {
  let stack: Stack;
  let userToken: string;
  before(async () => {
    stack = await startStack();
    userToken = await stack.token();
  });
  after(() => stack.close());

  const inQuery = (url: string, name: string, value: string) => {
    const target = new URL(url);
    target.searchParams.append(name, value);
    return target.href;
  };

  it('OAuth 2.1 §5.2.1: access_token in the URL is 400 invalid_request on every endpoint, alone or beside the header', async () => {
    for (const [name, url, init] of everyEndpoint(stack.resourceUrl)) {
      for (const withHeader of [false, true]) {
        const response = await fetch(
          inQuery(url, 'access_token', userToken),
          withHeader ? withHeaders(init, { authorization: `Bearer ${userToken}` }) : init,
        );
        const what = `${name}${withHeader ? ' with a valid header too' : ''}`;
        assert.equal(response.status, 400, what);
        assert.equal(parseChallenge(response.headers.get('www-authenticate')).error, 'invalid_request', what);
        await response.body?.cancel();
      }
    }
  });

  it('OAuth 2.1 §5.2.1: an empty or repeated access_token parameter is refused too', async () => {
    const [, url, init] = everyEndpoint(stack.resourceUrl)[0] ?? [];
    assert.ok(url && init);
    for (const target of [
      inQuery(url, 'access_token', ''),
      inQuery(inQuery(url, 'access_token', 'a'), 'access_token', 'b'),
    ]) {
      const response = await fetch(target, withHeaders(init, { authorization: `Bearer ${userToken}` }));
      assert.equal(response.status, 400, target);
      await response.body?.cancel();
    }
  });
});
