import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basicAuth, introspect, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { createPkcePair } from '@mcp-auth/test-support/pkce';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createOidcAdapterFactory } from '../../src/provider/oidc-adapter.ts';
import { openPostgresBackend } from '../../src/storage/postgres/postgres-backend.ts';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';
import type { StorageBackend } from '../../src/storage/storage-backend.ts';
import { type MetadataDocumentHost, startMetadataDocumentHost } from '../support/metadata-document-host.ts';
import { freshTestSchema } from '../support/postgres-test-schema.ts';
import { DEMO_RESOURCE, signInNewClient } from '../support/signed-in-client.ts';
import { startTestServer, type TestAuthorizationServer } from '../support/test-server.ts';

/**
 * A privilege (resource-server role, the client_credentials grant, scopes nobody consented to,
 * pre-registered status) comes from the operator only, never from metadata a client supplies:
 * not through a Client ID Metadata Document, not through dynamic registration (RFC 7591), not
 * through registration management (RFC 7592), not through a field this project invented.
 */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

async function signingKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  return { jwks: { keys: [jwk] }, privateKey };
}

/** RFC 7523 §2.2 client authentication: a JWT the client signs with its own key. */
async function clientAssertion(clientId: string, audience: string, key: SigningKey): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(key);
}

function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

function startAuthorization(issuer: string, clientId: string) {
  const { challenge } = createPkcePair();
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:3030/callback',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'user',
    resource: DEMO_RESOURCE,
  }).toString();
  return fetch(url, { redirect: 'manual' });
}

describe('privilege through a Client ID Metadata Document', () => {
  let host: MetadataDocumentHost;
  let server: TestAuthorizationServer;
  before(async () => {
    host = await startMetadataDocumentHost();
    server = await startTestServer(
      { dangerouslyAllowLoopbackClientMetadata: true },
      { clientMetadataCa: host.cert },
    );
  });
  after(async () => {
    await server?.dispose();
    await host?.close();
  });

  it('a document declaring client_credentials, its own keys and scope "user admin" gets no token', async () => {
    const { jwks, privateKey } = await signingKey();
    const clientId = host.publish('/attack/client-credentials.json', {
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
      scope: 'user admin',
    });
    const response = await postForm(`${server.issuer}/token`, {
      grant_type: 'client_credentials',
      scope: 'user admin',
      resource: DEMO_RESOURCE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(clientId, server.issuer, privateKey),
    });
    const body = (await response.json()) as {
      access_token?: string;
      error?: string;
      error_description?: string;
    };
    assert.equal(body.access_token, undefined, `a token was issued: ${JSON.stringify(body)}`);
    assert.equal(response.status, 400);
    assert.equal(body.error, 'invalid_client_metadata');
    assert.match(body.error_description ?? '', /client_credentials/);
  });

  it('a document claiming mcp_resource_server cannot introspect a person’s token', async () => {
    const { tokens } = await signInNewClient(server);
    const { jwks, privateKey } = await signingKey();
    const clientId = host.publish('/attack/resource-server.json', {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
      mcp_resource_server: true,
    });
    const response = await postForm(`${server.issuer}/token/introspection`, {
      token: tokens.access_token,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(clientId, server.issuer, privateKey),
    });
    const body = (await response.json()) as { active?: boolean; error?: string; error_description?: string };
    assert.notEqual(body.active, true, 'the token was revealed');
    assert.equal(body.error, 'invalid_client_metadata');
    assert.match(body.error_description ?? '', /mcp_resource_server/);
  });

  for (const [shape, overrides, named] of [
    [
      'the client_credentials grant',
      { grant_types: ['authorization_code', 'client_credentials'] },
      /client_credentials/,
    ],
    ['mcp_resource_server', { mcp_resource_server: true }, /mcp_resource_server/],
    ['mcp_preregistered', { mcp_preregistered: false }, /mcp_preregistered/],
  ] as const) {
    it(`a document declaring ${shape} is refused with a description the person sees`, async () => {
      const clientId = host.publish(`/refused/${randomBytes(4).toString('hex')}.json`, overrides);
      const response = await startAuthorization(server.issuer, clientId);
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null, 'never redirects for a refused client');
      const page = await response.text();
      assert.match(page, /invalid_client_metadata/);
      assert.match(page, named);
    });
  }

  it('a public client with the code and refresh_token grants is still welcome', async () => {
    const clientId = host.publish('/fine/public.json');
    const response = await startAuthorization(server.issuer, clientId);
    assert.equal(response.status, 303, await response.clone().text());
  });

  it('a client authenticating with private_key_jwt (and no other grant) is still welcome', async () => {
    const { jwks } = await signingKey();
    const clientId = host.publish('/fine/signed.json', {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
    });
    const response = await startAuthorization(server.issuer, clientId);
    assert.equal(response.status, 303, await response.clone().text());
  });
});

describe('privilege through dynamic registration (RFC 7591, RFC 7592)', () => {
  let server: TestAuthorizationServer;
  before(async () => {
    server = await startTestServer({
      rateLimits: { registrationPerMinute: 1000, failedSignInsPerMinute: 10 },
    });
  });
  after(() => server?.dispose());

  const register = (metadata: Record<string, unknown>) =>
    fetch(`${server.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'x',
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1:3030/callback'],
        token_endpoint_auth_method: 'none',
        ...metadata,
      }),
    });

  for (const field of ['mcp_resource_server', 'mcp_preregistered']) {
    for (const value of [true, false, 'yes']) {
      it(`a registration naming ${field} (${JSON.stringify(value)}) is refused, naming the field`, async () => {
        const response = await register({ [field]: value });
        assert.equal(response.status, 400);
        const body = (await response.json()) as { error: string; error_description?: string };
        assert.equal(body.error, 'invalid_client_metadata');
        assert.match(body.error_description ?? '', new RegExp(field));
      });
    }
  }

  it('a registration asking for client_credentials is refused', async () => {
    const response = await register({
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; error_description?: string };
    assert.equal(body.error, 'invalid_client_metadata');
    assert.match(body.error_description ?? '', /client_credentials/);
  });

  it('RFC 7592 management is unavailable: GET, PUT and DELETE on the registration URL change nothing', async () => {
    const client = await registerPublicClient(server.issuer);
    const url = `${server.issuer}/reg/${encodeURIComponent(client.client_id)}`;
    const update = JSON.stringify({
      ...client,
      redirect_uris: ['http://127.0.0.1:3030/elsewhere'],
      grant_types: ['client_credentials'],
      mcp_resource_server: true,
    });
    for (const authorization of [undefined, 'Bearer guessed-registration-token']) {
      const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      const read = await fetch(url, { headers });
      assert.ok([400, 401].includes(read.status), `GET answered ${read.status}`);
      const put = await fetch(url, { method: 'PUT', headers, body: update });
      assert.equal(put.status, 404, 'no update route');
      const del = await fetch(url, { method: 'DELETE', headers });
      assert.equal(del.status, 404, 'no delete route');
    }
    // The client is still there, unchanged: its own redirect URI works, the "updated" one does not.
    const original = await startAuthorizationWith(
      server.issuer,
      client.client_id,
      client.redirect_uris[0] ?? '',
    );
    assert.equal(original.status, 303);
    const changed = await startAuthorizationWith(
      server.issuer,
      client.client_id,
      'http://127.0.0.1:3030/elsewhere',
    );
    assert.equal(changed.status, 400);
  });
});

function startAuthorizationWith(issuer: string, clientId: string, redirectUri: string) {
  const { challenge } = createPkcePair();
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'user',
  }).toString();
  return fetch(url, { redirect: 'manual' });
}

/**
 * Defence in depth: even a stored client whose metadata lists client_credentials (written by a
 * bug, an old version, or by hand) gets no token unless the operator's record grants it.
 */
for (const storage of ['SQLite', 'PostgreSQL'] as const) {
  describe(`the client_credentials grant needs the operator's record (${storage})`, () => {
    let backend: StorageBackend;
    let server: TestAuthorizationServer;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (storage === 'SQLite') {
        const dir = await mkdtemp(join(tmpdir(), 'mcp-auth-sec-'));
        backend = openSqliteBackend({ path: join(dir, 'as.db') });
        cleanup = () => rm(dir, { recursive: true, force: true });
      } else {
        const schema = freshTestSchema('mcp_auth_sec_cc');
        backend = await openPostgresBackend({ connectionString: schema.database.url, schema: schema.name });
        cleanup = schema.drop;
      }
      server = await startTestServer({}, { backend });
    });
    after(async () => {
      await server?.dispose();
      await backend?.close();
      await cleanup?.();
    });

    it('a client object carrying client_credentials without the record gets unauthorized_client', async () => {
      const secret = randomBytes(32).toString('base64url');
      await createOidcAdapterFactory(backend.artifacts)('Client').upsert('smuggled', {
        client_id: 'smuggled',
        client_secret: secret,
        client_name: 'Smuggled',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'user admin',
      });
      const response = await postForm(
        `${server.issuer}/token`,
        { grant_type: 'client_credentials', scope: 'user admin', resource: DEMO_RESOURCE },
        { authorization: basicAuth('smuggled', secret) },
      );
      const body = (await response.json()) as { access_token?: string; error?: string };
      assert.equal(body.access_token, undefined, `a token was issued: ${JSON.stringify(body)}`);
      assert.equal(response.status, 400);
      assert.equal(body.error, 'unauthorized_client');
    });

    it('the operator-registered client gets the grant, for the scopes granted and no others', async () => {
      const job = await server.registerClient({
        name: 'Job',
        grantTypes: ['client_credentials'],
        scope: 'user',
      });
      const auth = { authorization: basicAuth(job.client_id, job.client_secret ?? '') };
      const granted = await postForm(
        `${server.issuer}/token`,
        { grant_type: 'client_credentials', scope: 'user', resource: DEMO_RESOURCE },
        auth,
      );
      assert.equal(granted.status, 200, await granted.clone().text());
      const beyond = await postForm(
        `${server.issuer}/token`,
        { grant_type: 'client_credentials', scope: 'admin', resource: DEMO_RESOURCE },
        auth,
      );
      assert.equal(beyond.status, 400);
      assert.equal(((await beyond.json()) as { error: string }).error, 'invalid_scope');
      const details = (await (
        await introspect(
          server.issuer,
          ((await granted.json()) as { access_token: string }).access_token,
          auth.authorization,
        )
      ).json()) as { active: boolean };
      assert.equal(details.active, true, 'a client sees its own token');
    });
  });
}
