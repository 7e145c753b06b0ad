import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Stack, startStack } from '../support/stack.ts';
import {
  type ProxiedExchange,
  startTokenInjectingProxy,
  type TokenInjectingProxy,
} from './token-injecting-proxy.ts';

/**
 * `@modelcontextprotocol/conformance server` scenarios against the real RS (behind a real AS),
 * through a proxy that adds the bearer token the suite cannot obtain itself.
 *
 * Applicable scenarios, each with the checks that must all succeed:
 */
const SCENARIOS: Record<string, readonly string[]> = {
  'server-initialize': ['server-initialize'],
  ping: ['ping'],
  'tools-list': ['tools-list'],
  'dns-rebinding-protection': ['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted'],
  // Only uses tools/list: three concurrent POSTs on one session, each answered on its own stream.
  'server-sse-multiple-streams': ['server-accepts-multiple-post-streams', 'server-sse-streams-functional'],
};
/*
 * Not applicable to this server (conformance 0.1.16), so not run:
 * - tools-call-simple-text, tools-call-image, tools-call-audio, tools-call-embedded-resource,
 *   tools-call-mixed-content, tools-call-with-logging, tools-call-error, tools-call-with-progress,
 *   tools-call-sampling, tools-call-elicitation, json-schema-2020-12, elicitation-sep1034-defaults,
 *   elicitation-sep1330-enums: each calls or lists a fixture tool of the suite's reference server
 *   (`test_simple_text`, `json_schema_2020_12_tool`, ...); our tool set is calculator, get_time,
 *   get_weather, whoami and server_stats.
 * - server-sse-polling: needs the fixture tool `test_reconnection`, which closes its SSE stream
 *   mid-call; without it the scenario records only INFO/WARNING entries and checks nothing.
 * - logging-set-level: we do not declare the `logging` capability (logging/setLevel is -32601).
 * - completion-complete: needs a prompt `test_prompt_with_arguments`; no `completions` capability.
 * - resources-list, resources-read-text, resources-read-binary, resources-templates-read,
 *   resources-subscribe, resources-unsubscribe: we serve no resources (no `resources` capability).
 * - prompts-list, prompts-get-simple, prompts-get-with-args, prompts-get-embedded-resource,
 *   prompts-get-with-image: we serve no prompts (no `prompts` capability).
 */

const CHILD_TIMEOUT_MS = 60_000;

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
}

interface ScenarioRun {
  exitCode: number | null;
  output: string;
  checks: Check[];
}

function conformanceBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/conformance/package.json');
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  assert.ok(bin, 'the conformance package declares its bin');
  return join(dirname(manifestPath), bin);
}

const children = new Set<ChildProcess>();

/** Runs one scenario in a child process (same Node, no npx, offline) and reads its checks.json. */
async function runScenario(url: string, scenario: string): Promise<ScenarioRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'mcp-auth-conformance-'));
  try {
    const child = spawn(
      process.execPath,
      [conformanceBin(), 'server', '--url', url, '--scenario', scenario, '--output-dir', outputDir],
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
    const { exitCode, signal } = await new Promise<{
      exitCode: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, closeSignal) => resolve({ exitCode: code, signal: closeSignal }));
    }).finally(() => children.delete(child));

    assert.equal(
      signal,
      null,
      `${scenario} did not finish within ${CHILD_TIMEOUT_MS} ms; output:\n${output}`,
    );
    // The suite writes <outputDir>/server-<scenario>-<timestamp>/checks.json.
    const runs = (await readdir(outputDir)).filter((name) => name.startsWith(`server-${scenario}-`));
    assert.equal(runs.length, 1, `one result folder for ${scenario}; output:\n${output}`);
    const checks = JSON.parse(await readFile(join(outputDir, runs[0] as string, 'checks.json'), 'utf8'));
    assert.ok(Array.isArray(checks), `checks.json holds an array; output:\n${output}`);
    return { exitCode, output, checks: checks as Check[] };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/**
 * The 4xx the scenario saw must come from the RS's rebinding guards: the proxy forwarded the
 * foreign Host/Origin unchanged and with a valid token, and the RS refused it with 403 (not 401,
 * not a proxy error); the loopback Host/Origin pair was served.
 */
function assertRebindingRefusedByRs(exchanges: readonly ProxiedExchange[], proxyHost: string): void {
  assert.deepEqual(
    exchanges.map(({ method, host, origin, status }) => ({ method, host, origin, status })),
    [
      { method: 'POST', host: 'evil.example.com', origin: 'http://evil.example.com', status: 403 },
      { method: 'POST', host: proxyHost, origin: `http://${proxyHost}`, status: 200 },
    ],
  );
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

  for (const [scenario, expectedChecks] of Object.entries(SCENARIOS)) {
    it(scenario, { timeout: CHILD_TIMEOUT_MS + 15_000 }, async (t) => {
      const seen = proxy?.exchanges.length ?? 0; // what this scenario sends comes after
      const run = await runScenario(mcpUrl, scenario);
      const summary = run.checks
        .map((check) => `${check.status} ${check.id}${check.errorMessage ? `: ${check.errorMessage}` : ''}`)
        .join('\n');
      for (const line of summary.split('\n')) t.diagnostic(line);

      const failures = run.checks.filter((check) => check.status === 'FAILURE');
      assert.deepEqual(failures, [], `${scenario} has failed checks:\n${summary}\n\n${run.output}`);
      for (const id of expectedChecks) {
        const check = run.checks.find((candidate) => candidate.id === id);
        assert.equal(check?.status, 'SUCCESS', `${scenario}: check ${id} succeeded\n${summary}`);
      }
      assert.equal(run.exitCode, 0, `${scenario} exit code\n${run.output}`);
      if (scenario === 'dns-rebinding-protection' && proxy) {
        assertRebindingRefusedByRs(proxy.exchanges.slice(seen), proxy.host);
      }
    });
  }
});
