import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { approveInBrowser } from '@mcp-auth/test-support/headless-browser';
import {
  Client,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { type Stack, startStack, USER } from '../support/stack.ts';

const REDIRECT = 'http://127.0.0.1:38111/callback';

/** A minimal in-memory OAuthClientProvider: the SDK does discovery, DCR, PKCE and the token calls. */
class InTestProvider implements OAuthClientProvider {
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'SDK test client',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  lastState = '';
  pendingAuthorization: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  state() {
    this.lastState = crypto.randomUUID();
    return this.lastState;
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.pendingAuthorization = url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

describe('the MCP SDK v2 client’s own OAuth against our AS and RS', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('discovers, registers, signs in, and calls a tool; then steps up for server_stats', async () => {
    const provider = new InTestProvider();
    const url = new URL(stack.resourceUrl);
    const connect = async () => {
      const client = new Client({ name: 'sdk-oauth-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
      await client.connect(transport);
      return { client, transport };
    };
    const first = new Client({ name: 'sdk-oauth-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await assert.rejects(first.connect(transport), UnauthorizedError);
    const authorization = provider.pendingAuthorization;
    assert.ok(authorization, 'the SDK sent the user to the AS');
    assert.equal(authorization.origin, new URL(stack.issuer).origin);
    assert.equal(authorization.searchParams.get('resource'), stack.resourceUrl, 'RFC 8707 resource');
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');

    const callback = await approveInBrowser(authorization, USER, REDIRECT);
    assert.equal(callback.searchParams.get('state'), provider.lastState);
    await transport.finishAuth(callback.searchParams);

    const { client } = await connect();
    const result = await client.callTool({ name: 'calculator', arguments: { expression: '6*7' } });
    assert.equal((result.structuredContent as { result: number }).result, 42);

    // Step-up (MCP Authorization §Step-Up Authorization Flow, RFC 6750 §3.1): the user-scoped token gets 403 insufficient_scope.
    provider.pendingAuthorization = undefined;
    const stats = client.callTool({ name: 'server_stats', arguments: {} });
    await assert.rejects(stats);
    const stepUp = provider.pendingAuthorization as URL | undefined;
    assert.ok(stepUp, 'the SDK asked for a new authorization');
    assert.match(stepUp.searchParams.get('scope') ?? '', /admin/);
    await client.close();
  });
});
