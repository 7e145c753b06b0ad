import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { runFuzz } from '@mcp-auth/test-support/fuzz/fuzz-harness';
import { FuzzStats } from '@mcp-auth/test-support/fuzz/fuzz-stats';
import { heapUsedAfterGc, MEGABYTE } from '@mcp-auth/test-support/fuzz/heap';
import { recordingLogger } from '@mcp-auth/test-support/fuzz/recording-logger';
import type { CredentialPools } from '@mcp-auth/test-support/fuzz/request-draft';
import { requestsOf } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import fc from 'fast-check';
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
      // Metrics on: the fuzz covers the requests' counting and timing too.
      { rateLimits: { registrationPerMinute: 1_000_000, failedSignInsPerMinute: 10 }, metrics: { port: 0 } },
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

  it('after the run its metrics name only route names: hostile paths add no series', async () => {
    const text = await (await fetch(server.metricsUrl ?? '')).text();
    const routes = [...new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1] ?? ''))];
    // The route table's names and oidc-provider's route names: a few dozen at most, whatever was sent.
    assert.ok(routes.length <= 40, `${routes.length} route labels: ${routes.join(' ')}`);
    for (const route of routes) assert.match(route, /^[a-z_.]+$/, `route label ${JSON.stringify(route)}`);
  });

  it('the metrics listener answers any request with 200, 404 or 405, never a 5xx or a hang', async () => {
    const { port } = new URL(server.metricsUrl ?? '');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        fc.oneof(
          fc.constant('/metrics'),
          fc.webPath(),
          fc.webPath().map((path) => `/metrics${path}`),
        ),
        fc.webQueryParameters(),
        async (method, path, query) => {
          const status = await rawStatus(Number(port), method, `${path || '/'}${query ? `?${query}` : ''}`);
          assert.ok([200, 404, 405].includes(status), `${method} ${path}?${query} → ${status}`);
        },
      ),
      { numRuns: 300 },
    );
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

/** One request to 127.0.0.1:port, its status (or a failure after 10 s). */
function rawStatus(port: number, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, method, path, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer to ${method} ${path} within 10 s`)));
    sent.on('error', reject);
    sent.end();
  });
}
