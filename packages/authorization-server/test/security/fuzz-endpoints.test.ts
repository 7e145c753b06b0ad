import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runFuzz } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { FuzzStats } from '@mcp-auth/test-support/fuzz/fuzz-stats';
import { heapUsedAfterGc, MEGABYTE } from '@mcp-auth/test-support/fuzz/heap';
import { recordingLogger } from '@mcp-auth/test-support/fuzz/recording-logger';
import type { CredentialPools } from '@mcp-auth/test-support/fuzz/request-draft';
import { requestsOf } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';
import { credentialPoolsFor, learnFromAnswer, SECRET_FIELDS } from './fuzz/as-credentials.ts';
import { authorizationServerRules } from './fuzz/as-response-rules.ts';
import { authorizationServerScenarios } from './fuzz/as-scenarios.ts';

/**
 * Property-based fuzzing of every Authorization Server endpoint through real HTTP: generated
 * methods, path spellings, headers, query strings, bodies and framing lies, half of them with
 * valid credentials from the real flows. For every request: an answer within 10 s, no 5xx
 * (nothing documents one for a running AS), the answer shapes the RFCs require, no unhandled
 * error, and /healthz still answering. Afterwards the heap is within 200 MB of where it started.
 *
 * The server runs in this process: a crash is this test's crash, and the heap measured is the
 * server's. Replay a failure with the FUZZ_SEED / FUZZ_PATH it prints; FUZZ_RUNS=N extends a run.
 */
const RUNS = 6000;
const HEAP_GROWTH_LIMIT = 200 * MEGABYTE;
/** Scenarios whose valid requests must succeed at least once, or the fuzzer missed the code behind authentication. */
const REACHED_WITH_VALID_CREDENTIALS = [
  'authorization (GET)',
  'token: authorization_code',
  'token: refresh_token',
  'token: client_credentials',
  'token: client_secret_post',
  'introspection',
  'revocation',
  'registration',
  'pushed authorization request',
  'interaction: page',
];

describe('fuzzing every Authorization Server endpoint', () => {
  let server: TestAuthorizationServer;
  let pools: CredentialPools;
  let heapBefore: number;
  const serverLog = recordingLogger();
  const stats = new FuzzStats();

  before(async () => {
    server = await startTestServer(
      // Registration is throttled per address; the fuzzer comes from one, and must reach the
      // registration code itself, not only the limiter. Failed sign-ins keep their limit: each
      // one costs a deliberate scrypt.
      { rateLimits: { registrationPerMinute: 1_000_000, failedSignInsPerMinute: 10 } },
      { logger: serverLog.logger },
    );
    pools = await credentialPoolsFor(server, TEST_USER);
    heapBefore = await heapUsedAfterGc();
  });
  after(() => server.dispose());

  it('answers every generated request without a 5xx, a hang, a crash or a malformed answer, and valid credentials reach the code behind authentication', async (t) => {
    const host = new URL(server.issuer).host;
    await runFuzz(
      {
        target: { name: 'authorization server', port: server.port, host },
        requests: requestsOf((authenticated) => authorizationServerScenarios(authenticated), {
          hosts: [host, `127.0.0.1:${server.port}`],
          origins: [server.issuer],
        }),
        pools,
        defaultRuns: RUNS,
        seedOffset: 0,
        serverLog,
        observe: learnFromAnswer(pools, server.issuer),
        check: authorizationServerRules({
          issuer: server.issuer,
          secrets: () => pools.valuesOf(SECRET_FIELDS),
          jsonEndpoints: new Set(['/token', '/token/introspection', '/token/revocation', '/reg', '/request']),
        }),
      },
      stats,
    ).finally(() => t.diagnostic(stats.summary()));
    const unreached = stats.unreached(REACHED_WITH_VALID_CREDENTIALS, (status) => status < 400);
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
