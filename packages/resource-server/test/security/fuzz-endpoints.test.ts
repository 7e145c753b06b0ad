import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type RunningAuthorizationServer, startAuthorizationServer } from '@mcp-auth/authorization-server';
import { freePort } from '@mcp-auth/test-support/free-port';
import { type Exchange, type Response, runFuzz } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { FuzzStats } from '@mcp-auth/test-support/fuzz/fuzz-stats';
import { heapUsedAfterGc, MEGABYTE } from '@mcp-auth/test-support/fuzz/heap';
import { recordingLogger } from '@mcp-auth/test-support/fuzz/recording-logger';
import type { Draft } from '@mcp-auth/test-support/fuzz/request-draft';
import { requestsOf } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import fc from 'fast-check';
import { type RunningResourceServer, startResourceServer } from '../../src/index.ts';
import { OTHER_USER, USER } from '../support/stack.ts';
import {
  credentialsFor,
  learnSessions,
  type ResourceServerCredentials,
  SECRET_FIELDS,
} from './fuzz/rs-credentials.ts';
import { resourceServerRules } from './fuzz/rs-response-rules.ts';
import { resourceServerScenarios } from './fuzz/rs-scenarios.ts';

/**
 * Property-based fuzzing of every MCP server endpoint through real HTTP, for both ways of
 * verifying tokens (RFC 7662 introspection and RFC 9068 JWTs): generated methods, path
 * spellings, headers, bodies and framing lies, half of them with a valid token or session from
 * the real sign-in flow. For every request: an answer within 10 s, no 5xx but the documented
 * one (README "Authorization answers": 503 with Retry-After when the AS is unreachable, which
 * the test arranges for one request in ten to the introspecting server), the answer shapes MCP
 * authorization requires, no unhandled error, and /healthz still answering. Afterwards the heap
 * is within 200 MB of where it started.
 *
 * The servers run in this process: a crash is this test's crash, and the heap measured is theirs.
 * Replay a failure with the FUZZ_SEED / FUZZ_PATH it prints; FUZZ_RUNS=N extends a run.
 */
const RUNS = { introspection: 2500, jwt: 1500 };
const HEAP_GROWTH_LIMIT = 200 * MEGABYTE;
const AS_UNREACHABLE = 'the authorization server is unreachable';
/** Scenarios whose valid requests must succeed at least once, or the fuzzer missed the code behind authentication. */
const REACHED_WITH_VALID_CREDENTIALS = [
  'mcp POST 2026-07-28 (stateless)',
  'mcp POST 2025 initialize',
  'mcp POST 2025 session',
  'mcp GET 2025 stream',
  'mcp DELETE 2025 session',
  'deprecated SSE stream',
  'deprecated SSE message',
];

interface ServerUnderFuzz {
  readonly server: RunningResourceServer;
  readonly credentials: ResourceServerCredentials;
}

describe('fuzzing every MCP server endpoint', () => {
  let dataDir: string;
  let authorizationServer: RunningAuthorizationServer;
  let introspecting: ServerUnderFuzz;
  let jwtVerifying: ServerUnderFuzz;
  /** Everything started, closed in reverse order even when the set-up fails half-way. */
  const cleanups: Array<() => unknown> = [];
  let authorizationServerReachable = true;
  let heapBefore: number;
  const serverLog = recordingLogger();
  const stats = { introspection: new FuzzStats(), jwt: new FuzzStats() };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-fuzz-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const ports = { introspection: await freePort(), jwt: await freePort() };
    const urls = {
      introspection: `http://localhost:${ports.introspection}/mcp`,
      jwt: `http://localhost:${ports.jwt}/mcp`,
      other: 'http://localhost:1/other',
    };
    const scopes = [
      { name: 'user', description: 'Use the tools' },
      { name: 'admin', description: 'Statistics' },
    ];
    authorizationServer = await startAuthorizationServer(
      {
        port: 0,
        dataDir,
        resources: [
          { uri: urls.introspection, name: 'Introspecting MCP server', scopes, tokenFormat: 'opaque' },
          { uri: urls.jwt, name: 'JWT-verifying MCP server', scopes, tokenFormat: 'jwt' },
          { uri: urls.other, name: 'Another server', scopes },
        ],
      },
      { logger: serverLog.logger },
    );
    cleanups.push(() => authorizationServer.close());
    await authorizationServer.accounts.create(USER.username, USER.password);
    await authorizationServer.accounts.create(OTHER_USER.username, OTHER_USER.password);
    // The introspecting server's way to the AS can be cut for one request (see AS_UNREACHABLE).
    const switchableFetch: typeof fetch = (input, init) =>
      authorizationServerReachable
        ? fetch(input, init)
        : Promise.reject(new TypeError('fetch failed: the fuzz test cut the authorization server off'));
    const start = async (tokenVerification: 'introspection' | 'jwt'): Promise<ServerUnderFuzz> => {
      const server = await startResourceServer(
        {
          port: ports[tokenVerification],
          authServer: authorizationServer.issuer,
          tokenVerification,
          devCredentialsFile: join(dataDir, 'dev-introspection-client.json'),
          // One of the two counts and times its requests, so the fuzz covers the metrics too.
          ...(tokenVerification === 'jwt' ? { metrics: { port: 0 } } : {}),
        },
        { logger: serverLog.logger, fetchImpl: switchableFetch },
      );
      cleanups.push(() => server.close());
      const credentials = await credentialsFor(authorizationServer.issuer, server.resourceUrl, {
        owner: USER,
        intruder: OTHER_USER,
        otherResource: urls.other,
        revocable: tokenVerification === 'introspection',
      });
      cleanups.push(() => credentials.close());
      return { server, credentials };
    };
    introspecting = await start('introspection');
    jwtVerifying = await start('jwt');
    heapBefore = await heapUsedAfterGc();
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const fuzz =
    (target: () => ServerUnderFuzz, runs: number, seedOffset: number, stats: FuzzStats) =>
    async (t: TestContext) => {
      const { server, credentials } = target();
      const host = new URL(server.resourceUrl).host;
      const mcpPath = new URL(server.resourceUrl).pathname;
      const canCutTheAs = server.verifier === 'introspection';
      const requests = fc
        .tuple(
          // One request in ten meets an unreachable AS (only introspection asks it per request).
          canCutTheAs ? fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0) : fc.constant(false),
          requestsOf((authenticated) => resourceServerScenarios(authenticated, { mcpPath }), {
            hosts: [host, `127.0.0.1:${server.port}`],
            origins: [new URL(server.resourceUrl).origin],
          }),
        )
        .map(([cut, draft]): Draft => (cut ? { ...draft, conditions: [AS_UNREACHABLE] } : draft));
      await runFuzz(
        {
          target: { name: `MCP server (${server.verifier})`, port: server.port, host },
          requests,
          pools: credentials.pools,
          defaultRuns: runs,
          seedOffset,
          serverLog,
          prepare: (draft) => {
            authorizationServerReachable = !draft.conditions?.includes(AS_UNREACHABLE);
          },
          observe: learnSessions(credentials.pools),
          // README "Authorization answers": 503 with Retry-After when the AS is unreachable.
          documentedServerError: ({ draft }: Exchange, response: Response) =>
            response.status === 503 &&
            response.headers.has('retry-after') &&
            draft.conditions?.includes(AS_UNREACHABLE) === true,
          check: resourceServerRules({
            resourceUrl: server.resourceUrl,
            metadataUrl: `${new URL(server.resourceUrl).origin}/.well-known/oauth-protected-resource${mcpPath}`,
            issuer: authorizationServer.issuer,
            secrets: () => credentials.pools.valuesOf(SECRET_FIELDS),
          }),
        },
        stats,
      ).finally(() => {
        authorizationServerReachable = true;
        t.diagnostic(stats.summary());
      });
      const unreached = stats.unreached(REACHED_WITH_VALID_CREDENTIALS, (status) => status < 300);
      assert.deepEqual(unreached, [], 'no request with valid credentials succeeded in these scenarios');
    };

  it(
    'the introspecting server answers every generated request without an undocumented 5xx, a hang, a crash or a malformed answer, and valid tokens and sessions reach the code behind authentication',
    fuzz(() => introspecting, RUNS.introspection, 0, stats.introspection),
  );

  it(
    'the JWT-verifying server answers every generated request without a 5xx, a hang, a crash or a malformed answer, and valid tokens and sessions reach the code behind authentication',
    fuzz(() => jwtVerifying, RUNS.jwt, 1, stats.jwt),
  );

  it('after the runs its metrics name only route table routes: hostile paths add no series', async () => {
    const text = await (await fetch(jwtVerifying.server.metricsUrl ?? '')).text();
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    const known = new Set([
      'mcp',
      'sse_stream',
      'sse_messages',
      'protected_resource_metadata',
      'healthz',
      'other',
    ]);
    assert.deepEqual(
      [...routes].filter((route) => !known.has(route ?? '')),
      [],
    );
    assert.ok(routes.has('mcp'));
  });

  it('keeps its heap bounded: within 200 MB of the start after the runs (after GC)', async (t) => {
    const growth = (await heapUsedAfterGc()) - heapBefore;
    t.diagnostic(`heap growth after GC: ${Math.round(growth / MEGABYTE)} MB`);
    assert.ok(
      growth < HEAP_GROWTH_LIMIT,
      `the heap grew by ${Math.round(growth / MEGABYTE)} MB over ${stats.introspection.total + stats.jwt.total} requests`,
    );
  });
});
