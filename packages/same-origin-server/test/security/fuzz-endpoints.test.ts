import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEV_INTROSPECTION_CLIENT_ID } from '@mcp-auth/shared';
import { type Exchange, type Response, runFuzz } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { FuzzStats } from '@mcp-auth/test-support/fuzz/fuzz-stats';
import { heapUsedAfterGc, MEGABYTE } from '@mcp-auth/test-support/fuzz/heap';
import { recordingLogger } from '@mcp-auth/test-support/fuzz/recording-logger';
import { requestsOf } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import { basicAuth, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import fc from 'fast-check';
import { authorizationServerRules } from '../../../authorization-server/test/security/fuzz/as-response-rules.ts';
import { authorizationServerScenarios } from '../../../authorization-server/test/security/fuzz/as-scenarios.ts';
import {
  credentialsFor,
  learnSessions,
  type ResourceServerCredentials,
  SECRET_FIELDS,
} from '../../../resource-server/test/security/fuzz/rs-credentials.ts';
import { resourceServerRules } from '../../../resource-server/test/security/fuzz/rs-response-rules.ts';
import { resourceServerScenarios } from '../../../resource-server/test/security/fuzz/rs-scenarios.ts';
import { type RunningSameOriginServer, startSameOriginServer } from '../../src/index.ts';

/**
 * Property-based fuzzing of the same-origin server (MCP 2025-03-26: the AS and the MCP
 * server on one origin, with the default endpoints /authorize and /register): the MCP
 * endpoints with valid tokens and sessions half of the time, the AS endpoints (under both
 * names) with hostile input. The same properties as the AS and RS fuzz tests: an answer within
 * 10 s, no 5xx (tokens are checked in-process, so not even the RS's documented 503), the shapes
 * the specifications require, no unhandled error, /healthz still answering, a bounded heap.
 * Replay a failure with the FUZZ_SEED / FUZZ_PATH it prints; FUZZ_RUNS=N extends a run.
 */
const RUNS = 1000;
const HEAP_GROWTH_LIMIT = 200 * MEGABYTE;

describe('fuzzing the same-origin server', () => {
  let home: string;
  let server: RunningSameOriginServer;
  let credentials: ResourceServerCredentials;
  let heapBefore: number;
  const cleanups: Array<() => unknown> = [];
  const serverLog = recordingLogger();
  const stats = new FuzzStats();

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-legacy-fuzz-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    const dataDir = join(home, 'data');
    server = await startSameOriginServer({ port: 0, dataDir }, { logger: serverLog.logger });
    cleanups.push(() => server.close());
    const person = server.demoAccount;
    assert.ok(person, 'the first start creates the demo account');
    credentials = await credentialsFor(server.issuer, server.mcpUrl, { owner: person, revocable: true });
    cleanups.push(() => credentials.close());
    // What the AS scenarios name; no valid credential of theirs is ever sent here.
    const client = await registerPublicClient(server.issuer);
    credentials.pools.add('public', {
      client_id: client.client_id,
      redirect_uri: client.redirect_uris[0] ?? '',
    });
    // This server checks tokens in process and has no development introspection client: the
    // id a local resource server would use, with any secret, is a wrong credential here.
    credentials.pools.add('resourceServer', {
      wrong_basic: basicAuth(DEV_INTROSPECTION_CLIENT_ID, 'not-a-secret-of-this-server'),
    });
    credentials.pools.add('confidential', { wrong_basic: basicAuth('no-such-client', 'secret') });
    credentials.pools.add('postClient', { client_id: 'no-such-client' });
    heapBefore = await heapUsedAfterGc();
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('answers every generated request without a 5xx, a hang, a crash or a malformed answer, and valid tokens reach the MCP server', async (t) => {
    const origin = new URL(server.issuer);
    const around = { hosts: [origin.host, `127.0.0.1:${server.port}`], origins: [origin.origin] };
    // The combined server routes by path: the MCP server's paths, then the AS for everything else.
    const servedByTheMcpServer = (target: string) =>
      target.startsWith('/mcp') || target.startsWith('/.well-known/oauth-protected-resource');
    const oauthSites = [
      { authorization: '/authorize', registration: '/register', resource: server.mcpUrl },
      { authorization: '/auth', registration: '/reg', resource: server.mcpUrl },
    ];
    const requests = fc.oneof(
      requestsOf((authenticated) => resourceServerScenarios(authenticated, { mcpPath: '/mcp' }), around),
      fc
        .constantFrom(...oauthSites)
        .chain((site) => requestsOf(() => authorizationServerScenarios(false, site), around))
        .map((draft) => ({ ...draft, authenticated: false })),
    );
    const mcpRules = resourceServerRules({
      resourceUrl: server.mcpUrl,
      metadataUrl: `${origin.origin}/.well-known/oauth-protected-resource/mcp`,
      issuer: server.issuer,
      secrets: () => credentials.pools.valuesOf(SECRET_FIELDS),
    });
    const oauthRules = authorizationServerRules({
      issuer: server.issuer,
      secrets: () => credentials.pools.valuesOf(SECRET_FIELDS),
      jsonEndpoints: new Set([
        '/token',
        '/token/introspection',
        '/token/revocation',
        '/reg',
        '/register',
        '/request',
      ]),
    });
    await runFuzz(
      {
        target: { name: 'same-origin server', port: server.port, host: origin.host },
        requests,
        pools: credentials.pools,
        defaultRuns: RUNS,
        seedOffset: 0,
        serverLog,
        observe: learnSessions(credentials.pools),
        check: (exchange: Exchange, response: Response) =>
          servedByTheMcpServer(exchange.request.target)
            ? mcpRules(exchange, response)
            : oauthRules(exchange, response),
      },
      stats,
    ).finally(() => t.diagnostic(stats.summary()));
    const unreached = stats.unreached(
      ['mcp POST 2026-07-28 (stateless)', 'mcp POST 2025 session', 'deprecated SSE message'],
      (status) => status < 300,
    );
    assert.deepEqual(unreached, [], 'no request with valid credentials succeeded in these scenarios');
  });

  it('keeps its heap bounded: within 200 MB of the start after the run (after GC)', async (t) => {
    const growth = (await heapUsedAfterGc()) - heapBefore;
    t.diagnostic(`heap growth after GC: ${Math.round(growth / MEGABYTE)} MB`);
    assert.ok(
      growth < HEAP_GROWTH_LIMIT,
      `the heap grew by ${Math.round(growth / MEGABYTE)} MB over ${stats.total} requests`,
    );
  });
});
