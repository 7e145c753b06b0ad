/**
 * The Authorization Server for a benchmark: the real `mcp-auth-as` (dist build) in this process's
 * main thread, on 127.0.0.1, in a temporary data folder (SQLite) or a fresh PostgreSQL schema,
 * with one account and tokens minted through the real sign-in pages (headless).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StorageBackend, silentLogger, startAuthorizationServer } from '@mcp-auth/authorization-server';
import { DEMO_SCOPES, DEV_INTROSPECTION_FILE } from '@mcp-auth/shared';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { authorize, basicAuth, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { configuredOrMachineDatabase, uniqueSchemaName } from '@mcp-auth/test-support/postgres';
import { startSupervisedPostgres } from '@mcp-auth/test-support/supervised-postgres';
import pg from 'pg';
import { freePort } from './children.ts';

export const USER = { username: 'alice', password: 'correct horse battery staple' } as const;

export interface BenchResource {
  readonly url: string;
  readonly tokenFormat: 'opaque' | 'jwt';
}

export interface TokenSet {
  readonly access_token: string;
  readonly refresh_token: string;
}

export interface BenchAuthorizationServer {
  readonly issuer: string;
  readonly port: number;
  readonly host: string;
  readonly database: 'sqlite' | 'postgresql';
  readonly devCredentialsFile: string;
  /** The public client every sign-in here uses (dynamically registered once). */
  readonly publicClientId: string;
  /** One authorization code flow; with a jar that already signed in it skips the pages. */
  signIn(resource: string, jar?: CookieJar): Promise<TokenSet>;
  /** Registers a confidential client (what `mcp-auth-as clients add` does); returns its Basic header. */
  registerConfidentialClient(kind: 'client_credentials' | 'resource_server'): Promise<string>;
  close(): Promise<void>;
}

export interface PostgresTarget {
  readonly url: string;
  readonly schema: string;
}

export interface BenchPostgres {
  readonly url: string;
  /** Where it comes from, for the log: the machine's, or embedded (and why). */
  readonly description: string;
  /** Stops an embedded one; nothing for the machine's. */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL the tests use (TEST_DATABASE_URL, DATABASE_URL, the machine's at 127.0.0.1:5432),
 * else an embedded PostgreSQL 18 started for this case; a reason when even that cannot start.
 */
export async function findPostgres(): Promise<BenchPostgres | { skipped: string }> {
  const choice = await configuredOrMachineDatabase();
  if (choice.url !== undefined) {
    return { url: choice.url, description: 'the configured or machine PostgreSQL', stop: async () => {} };
  }
  try {
    const embedded = await startSupervisedPostgres();
    return {
      url: embedded.url,
      description: `an embedded PostgreSQL 18 (${choice.why})`,
      stop: () => embedded.stop(),
    };
  } catch (error) {
    return { skipped: `${choice.why}, and ${(error as Error).message}` };
  }
}

export function freshSchemaName(): string {
  return uniqueSchemaName('mcp_auth_bench');
}

export async function dropSchema(target: PostgresTarget): Promise<void> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * `start` is `startAuthorizationServer` of this build by default; an A/B run (bench/ab.ts) passes
 * an earlier build's.
 */
export async function startBenchAuthorizationServer(
  options: {
    resources: readonly BenchResource[];
    postgres?: PostgresTarget;
    /** Storage the caller opened (and closes), to reach it beside the server (the data-growth case). */
    backend?: StorageBackend;
    /** The data folder to use (the caller's, with `backend`); a temporary one otherwise. */
    dataDir?: string;
  },
  start: typeof startAuthorizationServer = startAuthorizationServer,
): Promise<BenchAuthorizationServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mcp-auth-bench-as-')));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  // The scopes the bench's resource servers (the demo MCP server) require.
  const scopes = DEMO_SCOPES.map(({ name, description }) => ({ name, description }));
  const as = await start(
    {
      port,
      host: '127.0.0.1',
      issuer,
      dataDir,
      resources: options.resources.map((resource, index) => ({
        uri: resource.url,
        name: `Bench resource ${index + 1}`,
        scopes,
        tokenFormat: resource.tokenFormat,
        accessTokenTtlSeconds: 3600,
      })),
      ...(options.postgres
        ? { database: { url: options.postgres.url, schema: options.postgres.schema } }
        : {}),
      rateLimits: { registrationPerMinute: 10_000, failedSignInsPerMinute: 10_000 },
    },
    { logger: silentLogger, ...(options.backend ? { backend: options.backend } : {}) },
  );
  try {
    await as.accounts.create(USER.username, USER.password);
    const publicClient = await registerPublicClient(issuer);
    return {
      issuer,
      port,
      host: `127.0.0.1:${port}`,
      database: options.postgres ? 'postgresql' : 'sqlite',
      devCredentialsFile: join(dataDir, DEV_INTROSPECTION_FILE),
      publicClientId: publicClient.client_id,
      async signIn(resource, jar) {
        const outcome = await authorize(issuer, {
          clientId: publicClient.client_id,
          scope: 'user',
          resource,
          username: USER.username,
          password: USER.password,
          ...(jar ? { jar } : {}),
        });
        const code = outcome.redirect.searchParams.get('code') ?? '';
        const response = await redeemCode(issuer, { clientId: publicClient.client_id, code, ...outcome });
        const body = (await response.json()) as Partial<TokenSet> & { error?: string };
        if (!body.access_token || !body.refresh_token) throw new Error(`no tokens: ${JSON.stringify(body)}`);
        return { access_token: body.access_token, refresh_token: body.refresh_token };
      },
      async registerConfidentialClient(kind) {
        const client = await as.registerClient(
          kind === 'resource_server'
            ? {
                name: 'Bench resource server',
                resourceServer: true,
                resources: options.resources.map((resource) => resource.url),
              }
            : { name: 'Bench job', grantTypes: ['client_credentials'], scope: 'user' },
        );
        return basicAuth(client.client_id, client.client_secret ?? '');
      },
      async close() {
        await as.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await as.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export { CookieJar };
