import assert from 'node:assert/strict';
import type { Exchange, Response } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { CredentialPools } from '@mcp-auth/test-support/fuzz/request-draft';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';

export interface Person {
  readonly username: string;
  readonly password: string;
}

/** Pool fields whose values must never come back in an answer. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['token']);

/** An access token through the real sign-in pages (MCP authorization, OAuth 2.1 §4.1). */
export async function signIn(issuer: string, person: Person, resource: string, scope = 'user') {
  const client = await registerPublicClient(issuer);
  const outcome = await authorize(issuer, {
    clientId: client.client_id,
    scope,
    resource,
    username: person.username,
    password: person.password,
  });
  const code = outcome.redirect.searchParams.get('code');
  assert.ok(code, `no code in ${outcome.redirect.href}`);
  const response = await redeemCode(issuer, { clientId: client.client_id, code, ...outcome });
  const body = (await response.json()) as { access_token?: string };
  assert.ok(body.access_token, `no token: ${JSON.stringify(body)}`);
  return { token: body.access_token, clientId: client.client_id };
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
};

/** A 2025-era Streamable HTTP session, initialized, owned by the token's subject. */
async function openSession(mcpUrl: string, token: string): Promise<string> {
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const opened = await fetch(mcpUrl, { method: 'POST', headers, body: JSON.stringify(INITIALIZE) });
  assert.equal(opened.status, 200, await opened.clone().text());
  await opened.arrayBuffer();
  const sessionId = opened.headers.get('mcp-session-id');
  assert.ok(sessionId, 'initialize opens a session');
  const initialized = await fetch(mcpUrl, {
    method: 'POST',
    headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await initialized.arrayBuffer();
  return sessionId;
}

/** A session of the deprecated HTTP+SSE transport: its stream stays open until `close`. */
async function openSseSession(mcpUrl: string, token: string): Promise<{ id: string; close(): void }> {
  const abort = new AbortController();
  const response = await fetch(`${mcpUrl}/sse`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  const reader = response.body?.getReader();
  assert.ok(reader);
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const id = /sessionId=([\w-]+)/.exec(text)?.[1];
    if (id) return { id, close: () => abort.abort() };
  }
  throw new Error(`no endpoint event in ${text}`);
}

export interface ResourceServerCredentials {
  readonly pools: CredentialPools;
  /** Closes the deprecated transport's open streams. */
  close(): void;
}

/**
 * Valid credentials for one MCP server, obtained through the real flows: tokens with the `user`
 * scope and with `user admin`, open sessions of both eras; and tokens it must refuse: for another
 * resource, revoked (before this server ever saw it, so no cache remembers it as active), and
 * another person's, to try on sessions that are not theirs.
 */
export interface CredentialOptions {
  readonly owner: Person;
  /** Another person, to try on the owner's sessions; without one, refused tokens are tried. */
  readonly intruder?: Person;
  /** Another resource of the same AS, for a token with the wrong audience. */
  readonly otherResource?: string;
  /** Opaque tokens can be revoked (RFC 7009); RFC 9068 JWTs cannot, they expire. */
  readonly revocable: boolean;
}

export async function credentialsFor(
  issuer: string,
  mcpUrl: string,
  options: CredentialOptions,
): Promise<ResourceServerCredentials> {
  const pools = new CredentialPools();
  const owner = [
    await signIn(issuer, options.owner, mcpUrl),
    await signIn(issuer, options.owner, mcpUrl),
    await signIn(issuer, options.owner, mcpUrl, 'user admin'),
  ];
  for (const { token } of owner) pools.add('token', { token, bearer: `Bearer ${token}` });
  if (options.otherResource) {
    const foreign = await signIn(issuer, options.owner, options.otherResource);
    pools.add('refused', { token: foreign.token, bearer: `Bearer ${foreign.token}` });
  }
  if (options.revocable) {
    const revoked = await signIn(issuer, options.owner, mcpUrl);
    const revocation = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: revoked.token, client_id: revoked.clientId }),
    });
    assert.equal(revocation.status, 200, await revocation.clone().text());
    pools.add('refused', { token: revoked.token, bearer: `Bearer ${revoked.token}` });
  }
  assert.ok(pools.size('refused') > 0, 'a token to refuse: give otherResource or a revocable verifier');
  if (options.intruder) {
    const intruder = await signIn(issuer, options.intruder, mcpUrl);
    pools.add('intruder', { token: intruder.token, bearer: `Bearer ${intruder.token}` });
  } else {
    pools.add('intruder', { bearer: pools.resolve({ ref: 'refused.bearer', pick: 0 }) });
  }

  for (const { token } of owner.slice(0, 2)) {
    pools.add('session', { id: await openSession(mcpUrl, token), bearer: `Bearer ${token}` });
  }
  const streams: Array<{ close(): void }> = [];
  for (const { token } of owner.slice(0, 2)) {
    const stream = await openSseSession(mcpUrl, token);
    streams.push(stream);
    pools.add('sseSession', { id: stream.id, bearer: `Bearer ${token}` });
  }
  return {
    pools,
    close: () => {
      for (const stream of streams) stream.close();
    },
  };
}

/**
 * Sessions follow the server: one opened by a fuzzed initialize with a valid token joins the
 * pool, one ended by a DELETE leaves it, so later requests keep reaching live sessions.
 */
export function learnSessions(pools: CredentialPools) {
  return ({ draft, request }: Exchange, response: Response): void => {
    const headerValues = (wanted: string) =>
      request.headers.filter(([name]) => name.toLowerCase() === wanted).map(([, value]) => value);
    const [sentSession] = headerValues('mcp-session-id');
    if (request.method === 'DELETE' && response.status === 200 && sentSession) {
      pools.remove('session', 'id', sentSession);
      return;
    }
    const sessionId = response.headers.get('mcp-session-id')?.[0];
    const authorization = headerValues('authorization');
    if (!draft.authenticated || !sessionId || sentSession || response.status !== 200) return;
    if (authorization.length !== 1) return;
    pools.add('session', { id: sessionId, bearer: authorization[0] ?? '' });
  };
}
