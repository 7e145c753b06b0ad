import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  conformanceBin,
  GENERATIONS,
  type Generation,
  summaryLines,
} from '@mcp-auth/test-support/conformance';
import { type Stack, startStack } from '../support/stack.ts';
import {
  type ProxiedExchange,
  startTokenInjectingProxy,
  type TokenInjectingProxy,
} from './token-injecting-proxy.ts';

/**
 * Every server scenario (`--suite all`) of both generations of the MCP conformance suite the
 * repository pins, 0.1.16 and 0.2.0-alpha.12, against the real RS (behind a real AS), through a
 * proxy that adds the bearer token the suite cannot obtain itself. Each generation runs against
 * the `server:` part of its baseline (conformance/expected-failures-0.x.yml), where every entry
 * names what it needs that the demo lacks (the reference server's fixture tools, prompts,
 * resources, logging, the Tasks extension): an unexpected failure, or an entry that starts to
 * pass, fails the test. Offline and quick: the suites are installed packages, everything listens
 * on loopback, and a generation's run takes seconds.
 */

/** Scenarios that test protocol behaviour and must pass outright, per generation. */
const MUST_PASS: Record<string, readonly string[]> = {
  '0.1': [
    'server-initialize',
    'ping',
    'tools-list',
    'server-sse-multiple-streams',
    'dns-rebinding-protection',
  ],
  '0.2': [
    'server-initialize',
    'server-session-lifecycle',
    'ping',
    'tools-list',
    'server-sse-multiple-streams',
    'dns-rebinding-protection',
    'http-header-validation',
    'input-required-result-unsupported-methods',
    'input-required-result-validate-input',
  ],
};

const CHILD_TIMEOUT_MS = 150_000;

interface SuiteRun {
  exitCode: number | null;
  output: string;
  passed: string[];
  failed: string[];
}

const children = new Set<ChildProcess>();

/** Runs a generation's server suite in a child process (same Node, no npx, offline). */
async function runServerSuite(url: string, of: Generation): Promise<SuiteRun> {
  const { script } = conformanceBin(of);
  const child = spawn(
    process.execPath,
    [script, 'server', '--url', url, '--suite', 'all', '--expected-failures', of.expectedFailures],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  children.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, closeSignal) => resolve({ exitCode: code, signal: closeSignal }));
    },
  ).finally(() => children.delete(child));
  assert.equal(
    signal,
    null,
    `the ${of.id} server suite did not finish within ${CHILD_TIMEOUT_MS} ms:\n${output}`,
  );
  return { exitCode, output, passed: summaryLines(output, '✓'), failed: summaryLines(output, '✗') };
}

/**
 * The rebinding probes must be refused by the RS's own guards: the proxy forwarded the foreign
 * Host/Origin unchanged and with a valid token, and the RS answered 403 (not 401, not a proxy
 * error), while requests with the proxy's own Host were served.
 */
function assertRebindingRefusedByRs(exchanges: readonly ProxiedExchange[], proxyHost: string): void {
  const foreign = exchanges.filter((exchange) => exchange.host !== proxyHost);
  assert.ok(foreign.length > 0, 'the suite probed with a foreign Host');
  assert.deepEqual(
    foreign.map(({ host, status }) => ({ host, status })),
    foreign.map(({ host }) => ({ host, status: 403 })),
  );
  assert.ok(exchanges.some((exchange) => exchange.host === proxyHost && exchange.status === 200));
}

describe('MCP conformance suite: server scenarios (through a token-injecting proxy)', () => {
  let stack: Stack | undefined;
  let proxy: TokenInjectingProxy | undefined;
  let mcpUrl: string;

  before(async () => {
    // The proxy listens first: the RS must accept the proxy's authority as a Host of its own.
    proxy = await startTokenInjectingProxy();
    stack = await startStack({ allowedHosts: [proxy.host] });
    const resource = new URL(stack.resourceUrl);
    proxy.forwardTo(resource.origin, await stack.token({ scope: 'user admin' }));
    mcpUrl = `${proxy.origin}${resource.pathname}`;
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await proxy?.close();
    await stack?.close();
  });

  for (const of of GENERATIONS) {
    it(`${of.id}: every server scenario passes or is an expected failure with its reason`, {
      timeout: CHILD_TIMEOUT_MS + 15_000,
    }, async (t) => {
      const seen = proxy?.exchanges.length ?? 0; // what this suite sends comes after
      const run = await runServerSuite(mcpUrl, of);
      t.diagnostic(`passed: ${run.passed.join(', ')}`);
      t.diagnostic(`failed as expected: ${run.failed.join(', ')}`);
      assert.equal(
        run.exitCode,
        0,
        `the ${of.id} server suite against its baseline:\n${run.output.slice(-8000)}`,
      );
      for (const scenario of MUST_PASS[of.id] ?? []) {
        assert.ok(run.passed.includes(scenario), `${scenario} passes outright\n${run.output.slice(-8000)}`);
      }
      if (proxy) assertRebindingRefusedByRs(proxy.exchanges.slice(seen), proxy.host);
    });
  }
});
