import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthorizationServerOptionsInput,
  silentLogger,
  startAuthorizationServer,
} from '@mcp-auth/authorization-server';
import { type DpopTestKey, dpopProof } from '@mcp-auth/test-support/dpop';
import { freePort } from '@mcp-auth/test-support/free-port';
// The AS package's own test helpers drive the real sign-in pages headlessly.
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type ResourceServerOptionsInput, startResourceServer } from '../../src/index.ts';
import type { ResourceServerOverrides } from '../../src/server.ts';

export const USER = { username: 'alice', password: 'correct horse battery' } as const;
export const OTHER_USER = { username: 'bob', password: 'another long password' } as const;

export interface Stack {
  readonly issuer: string;
  readonly resourceUrl: string;
  readonly otherResourceUrl: string;
  /** Signs in through the real pages and returns an access token (and refresh token). */
  token(options?: {
    scope?: string;
    resource?: string;
    user?: typeof USER | typeof OTHER_USER;
    /** RFC 9449: the token is requested with a proof by this key, so it is bound to it. */
    dpopKey?: DpopTestKey;
  }): Promise<string>;
  revoke(token: string): Promise<void>;
  /** Stops the AS alone (the RS keeps running): what the RS does when its AS is down. */
  stopAuthorizationServer(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real AS (in process, temp data folder) and a real RS in front of it, both on loopback. The
 * AS's registry holds this RS's URL, a second resource (to mint tokens for the wrong audience)
 * and, when asked, a JWT-format resource.
 */
export async function startStack(
  rsOptions: Partial<ResourceServerOptionsInput> = {},
  asOptions: Partial<AuthorizationServerOptionsInput> & {
    tokenFormat?: 'opaque' | 'jwt';
    accessTokenTtlSeconds?: number;
  } = {},
  rsOverrides: ResourceServerOverrides = {},
): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-test-'));
  const port = await freePort();
  const resourceUrl = `http://localhost:${port}/mcp`;
  const otherResourceUrl = 'http://localhost:1/other';
  const scopes = [
    { name: 'user', description: 'Use the tools' },
    { name: 'admin', description: 'Statistics' },
  ];
  const as = await startAuthorizationServer(
    {
      port: 0,
      dataDir,
      resources: [
        {
          uri: resourceUrl,
          name: 'RS under test',
          scopes,
          tokenFormat: asOptions.tokenFormat ?? 'opaque',
          accessTokenTtlSeconds: asOptions.accessTokenTtlSeconds ?? 600,
        },
        { uri: otherResourceUrl, name: 'Another server', scopes },
      ],
    },
    { logger: silentLogger },
  );
  await as.accounts.create(USER.username, USER.password);
  await as.accounts.create(OTHER_USER.username, OTHER_USER.password);
  const owners = new Map<string, string>();
  let asStopped = false;
  const rs = await startResourceServer(
    {
      port,
      authServer: as.issuer,
      devCredentialsFile: join(dataDir, 'dev-introspection-client.json'),
      ...rsOptions,
    },
    { logger: silentLogger, ...rsOverrides },
  );
  return {
    issuer: as.issuer,
    resourceUrl,
    otherResourceUrl,
    async token(options = {}) {
      const client = await registerPublicClient(as.issuer);
      const user = options.user ?? USER;
      const outcome = await authorize(as.issuer, {
        clientId: client.client_id,
        scope: options.scope ?? 'user',
        resource: options.resource ?? resourceUrl,
        username: user.username,
        password: user.password,
      });
      const code = outcome.redirect.searchParams.get('code') ?? '';
      const response = options.dpopKey
        ? await redeemCodeWithProof(as.issuer, options.dpopKey, {
            grant_type: 'authorization_code',
            client_id: client.client_id,
            code,
            code_verifier: outcome.verifier,
            redirect_uri: outcome.redirectUri,
          })
        : await redeemCode(as.issuer, { clientId: client.client_id, code, ...outcome });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
      owners.set(body.access_token, client.client_id);
      return body.access_token;
    },
    async revoke(token) {
      // RFC 7009, by the client the token was issued to.
      const response = await fetch(`${as.issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: owners.get(token) ?? '' }),
      });
      if (response.status !== 200) throw new Error(`revocation failed: ${response.status}`);
    },
    async stopAuthorizationServer() {
      asStopped = true;
      await as.close();
    },
    async close() {
      await rs.close();
      if (!asStopped) await as.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token request with a DPoP proof, answering the AS's nonce challenge once (RFC 9449 §8). */
async function redeemCodeWithProof(issuer: string, key: DpopTestKey, body: Record<string, string>) {
  const tokenUrl = `${issuer}/token`;
  const send = async (nonce?: string) =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        dpop: await dpopProof(key, { htm: 'POST', htu: tokenUrl, ...(nonce ? { nonce } : {}) }),
      },
      body: new URLSearchParams(body),
    });
  const first = await send();
  const nonce = first.headers.get('dpop-nonce');
  if (first.status !== 400 || !nonce) return first;
  await first.body?.cancel();
  return send(nonce);
}

export async function connectClient(
  url: string,
  token: string,
  transport: 'streamable-http' | 'streamable-http-2026' | 'sse',
): Promise<Client> {
  const requestInit = { headers: { authorization: `Bearer ${token}` } };
  const client = new Client(
    { name: 'rs-test', version: '1.0.0' },
    transport === 'streamable-http-2026' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  if (transport === 'sse') {
    const sseUrl = new URL(`${url}/sse`);
    await client.connect(
      new SSEClientTransport(sseUrl, { requestInit, eventSourceInit: { fetch: withAuth(token) } } as never),
    );
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit }));
  }
  return client;
}

function withAuth(token: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}
