import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-auth/shared';
import { type RunningResourceServer, startResourceServer } from '../../src/index.ts';
import {
  type FakeJwtAuthorizationServer,
  startFakeJwtAuthorizationServer,
} from '../support/fake-jwt-authorization-server.ts';
import { INITIALIZE, parseChallenge, post } from '../support/mcp-requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * MCP authorization "Token Audience Binding and Validation" (RFC 8707, RFC 9068 §4): a resource
 * server accepts only tokens whose audience names it. Otherwise a token a person gave one MCP
 * server (perhaps a malicious one) opens every other server that trusts the same AS: the stolen
 * token replayed elsewhere, or the confused deputy. (The AS's half, never issuing a token for a
 * resource the person did not consent to, is in the AS's test/security/audience-confusion.test.ts.)
 */
describe('audience confusion: a token for resource A at resource B (introspection)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('MCP token audience binding: a token for another resource is refused', async () => {
    const foreign = await stack.token({ resource: stack.otherResourceUrl });
    const response = await post(stack.resourceUrl, INITIALIZE, { authorization: `Bearer ${foreign}` });
    assert.equal(response.status, 401);
    assert.match(
      parseChallenge(response.headers.get('www-authenticate')).error_description ?? '',
      /not issued for this server/,
    );
  });
});

describe('audience confusion: a token for resource A at resource B (JWT)', () => {
  let fake: FakeJwtAuthorizationServer;
  let rs: RunningResourceServer;
  before(async () => {
    fake = await startFakeJwtAuthorizationServer();
    rs = await startResourceServer(
      { port: 0, authServer: fake.issuer, tokenVerification: 'jwt' },
      { logger: silentLogger },
    );
  });
  after(async () => {
    await rs?.close();
    await fake?.close();
  });

  const statusWithAudience = async (aud: string | string[] | undefined) => {
    const token = await fake.sign(rs.resourceUrl, { aud });
    const response = await post(rs.resourceUrl, INITIALIZE, { authorization: `Bearer ${token}` });
    await response.body?.cancel();
    return response.status;
  };

  it('RFC 9068 §4: a signed token whose aud names another server, or a neighbour of this one, is 401', async () => {
    const mine = new URL(rs.resourceUrl);
    const neighbours = [
      'https://other.example/mcp',
      `${mine.origin}/mcp/`,
      `${mine.origin}/mcpx`,
      `${mine.origin}/other/mcp`,
      `${mine.origin}`,
      `${mine.protocol}//${mine.hostname}:${Number(mine.port) + 1}/mcp`,
      `https://${mine.host}/mcp`,
      rs.resourceUrl.replace('localhost', '127.0.0.1'),
    ];
    for (const aud of neighbours) assert.equal(await statusWithAudience(aud), 401, aud);
  });

  it('RFC 9068 §4: an aud list that does not name this server, or an empty one, is 401', async () => {
    assert.equal(await statusWithAudience(['https://a.example/mcp', 'https://b.example/mcp']), 401);
    assert.equal(await statusWithAudience([]), 401);
    assert.equal(await statusWithAudience(undefined), 401);
  });

  it('the control: this server’s own URL, alone or among others, however its scheme and host are cased', async () => {
    assert.equal(await statusWithAudience(rs.resourceUrl), 200);
    assert.equal(await statusWithAudience(['https://a.example/mcp', rs.resourceUrl]), 200);
    assert.equal(
      await statusWithAudience(rs.resourceUrl.replace('http://localhost', 'HTTP://LOCALHOST')),
      200,
    );
  });
});
