import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authorizationRefusal } from '../../src/connection/authorization-refusal.ts';
import { redeemBrowserAnswer } from '../../src/connection/redeem-browser-answer.ts';
import { FileOAuthProvider } from '../../src/oauth/file-oauth-provider.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';

const ISSUER = 'https://as.example';
const SERVER_URL = 'https://rs.example/mcp';

/**
 * MCP 2026-07-28 Authorization §Authorization Response Validation (RFC 9207 §2.4): the browser's
 * answer is checked against the issuer recorded before the person was sent to the AS, before the
 * code goes anywhere. The AS metadata and the verifier are in place as after a real redirect; the
 * fetch records every request, so "refused" means no token request was made at all.
 */
describe('the authorization response’s iss, checked before the code is used', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-iss-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function signInInProgress(issParameterSupported: boolean) {
    const requests: string[] = [];
    const provider = new FileOAuthProvider({
      store: new CredentialStore(join(dir, String(Math.random()))),
      serverUrl: SERVER_URL,
      redirectUrl: 'http://127.0.0.1:3030/callback',
      preregistered: { clientId: 'app' },
      onAuthorizationUrl: () => {},
    });
    provider.saveCodeVerifier('v'.repeat(43));
    provider.saveDiscoveryState({
      authorizationServerUrl: ISSUER,
      resourceMetadata: { resource: SERVER_URL, authorization_servers: [ISSUER] },
      authorizationServerMetadata: {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: issParameterSupported,
      },
    });
    const fetch = async (input: string | URL | Request) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return Response.json({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
    };
    const redeem = (answer: Record<string, string>) =>
      redeemBrowserAnswer(new URLSearchParams(answer), {
        provider,
        serverUrl: SERVER_URL,
        fetch,
        requestedScope: 'user',
      });
    return { provider, requests, redeem };
  }

  const refusedAsMixUp = (error: Error) =>
    error.name === 'AuthFailure' &&
    /^the sign-in could not be completed: Issuer mismatch/.test(error.message);

  it('a code with the recorded iss is redeemed at the token endpoint', async () => {
    const { requests, redeem } = signInInProgress(true);
    await redeem({ code: 'c', state: 's', iss: ISSUER });
    assert.deepEqual(requests, [`${ISSUER}/token`]);
  });

  it('RFC 9207 §2.4: a code whose iss differs from the recorded issuer, or lacks it when the AS advertises iss, is refused before any token request', async () => {
    for (const [supported, answer] of [
      [true, { code: 'c', iss: 'https://evil.example' }],
      [false, { code: 'c', iss: 'https://evil.example' }],
      [true, { code: 'c' }],
    ] as const) {
      const { requests, redeem } = signInInProgress(supported);
      await assert.rejects(redeem(answer), refusedAsMixUp, JSON.stringify(answer));
      assert.deepEqual(requests, [], 'no token request');
    }
    // The AS does not advertise iss and sends none: RFC 9207 §2.4 lets the client proceed.
    const { requests, redeem } = signInInProgress(false);
    await redeem({ code: 'c' });
    assert.deepEqual(requests, [`${ISSUER}/token`]);
  });

  it('RFC 9207 §2.4: iss is compared as a string: case, default port and a trailing slash are not normalised', async () => {
    for (const iss of [
      'https://AS.example',
      'HTTPS://as.example',
      'https://as.example:443',
      `${ISSUER}/`,
      'https://as.%65xample',
    ]) {
      const { requests, redeem } = signInInProgress(true);
      await assert.rejects(redeem({ code: 'c', iss }), refusedAsMixUp, iss);
      assert.deepEqual(requests, [], `no token request for ${iss}`);
    }
  });

  it('RFC 9207 §2.4: an error answer with a foreign iss is ignored: none of its text is shown', () => {
    const { provider } = signInInProgress(true);
    const context = { provider, serverUrl: SERVER_URL, requestedScope: 'user' };
    const foreign = new URLSearchParams({
      error: 'access_denied',
      error_description: 'Call +1-555-0100 to unlock your account',
      error_uri: 'https://evil.example/help',
      iss: 'https://evil.example',
    });
    const ignored = authorizationRefusal(foreign, 'access_denied', context);
    assert.match(
      ignored.message,
      /did not come from the authorization server https:\/\/as\.example and was ignored/,
    );
    assert.doesNotMatch(ignored.message, /555|evil|access_denied|denied/);
    // The same error from the recorded AS is explained.
    const genuine = new URLSearchParams({ error: 'access_denied', iss: ISSUER });
    assert.doesNotMatch(authorizationRefusal(genuine, 'access_denied', context).message, /was ignored/);
  });
});
