import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SavedTokens } from '../../src/oauth/saved-tokens.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';
import { BIN_DIR, type ClientRun, FETCH_BROWSER, runClient } from '../support/client-process.ts';
import {
  freePort,
  startTestAuthorizationServer,
  startTestResourceServer,
  type TestAuthorizationServer,
  USER,
} from '../support/servers.ts';

const ESC = '\u001b';

/** A step of the text trace: its number, title, and the whole block. */
interface TextStep {
  readonly seq: number;
  readonly title: string;
  readonly block: string;
}

function textSteps(stderr: string): TextStep[] {
  const headings = [...stderr.matchAll(/^\[(\d+)\] (.+)$/gm)];
  return headings.map((heading, index) => ({
    seq: Number(heading[1]),
    title: heading[2] ?? '',
    block: stderr.slice(heading.index, headings[index + 1]?.index ?? stderr.length),
  }));
}

/**
 * Each expected step (a title and the spec sections its block must cite) is found after the
 * previous one: the order of the lesson, whatever else comes between.
 */
function assertStepsInOrder(steps: TextStep[], expected: Array<[RegExp, ...string[]]>): void {
  let from = 0;
  for (const [title, ...sections] of expected) {
    const found = steps.findIndex((step, index) => index >= from && title.test(step.title));
    assert.ok(
      found >= 0,
      `no step ${title} after step ${from}:\n${steps.map((step) => step.title).join('\n')}`,
    );
    const block = steps[found]?.block ?? '';
    for (const section of sections)
      assert.ok(block.includes(section), `${title} cites ${section}:\n${block}`);
    from = found + 1;
  }
}

function assertNumbered(seqs: number[]): void {
  assert.ok(seqs.length > 0, 'no steps at all');
  assert.deepEqual(
    seqs,
    seqs.map((_, index) => index + 1),
    'numbered 1, 2, 3, … in order',
  );
}

/** The PKCE challenge of each authorization URL: S256 is base64url(SHA-256(code_verifier)). */
function challengesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/code_challenge=([\w-]{43})/g)].map((match) => match[1] ?? ''));
}

/**
 * Whether any string in `text` is a code_verifier of one of `challenges` (RFC 7636 §4.2): the
 * verifier is never stored, so the test recognises it by its hash instead.
 */
function printsAVerifier(text: string, challenges: Set<string>): boolean {
  return [...text.matchAll(/[\w.~-]{43,128}/g)].some(([candidate]) =>
    challenges.has(createHash('sha256').update(candidate).digest('base64url')),
  );
}

/**
 * `--trace`: the sign-in as the specifications tell it, step by step, against a real AS and RS,
 * signing in over HTTP (fetch-browser.ts). What is checked: the steps, their order and names,
 * the JSON form, colours, and that no secret ever appears whole.
 */
describe('mcp-auth-client --trace', () => {
  let home: string;
  let as: TestAuthorizationServer;
  let rs: Awaited<ReturnType<typeof startTestResourceServer>>;
  let resource: string;
  let browserLog: string;
  let callbackLog: string;

  before(async () => {
    // Colours depend on NO_COLOR; the runs below must not inherit one from the test runner.
    delete process.env.NO_COLOR;
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-client-trace-'));
    browserLog = join(home, 'browser.log');
    callbackLog = join(home, 'callbacks.log');
    await writeFile(browserLog, '');
    await writeFile(callbackLog, '');
    const port = await freePort();
    resource = `http://localhost:${port}/mcp`;
    as = await startTestAuthorizationServer([resource]);
    rs = await startTestResourceServer(port, as);
  });
  after(async () => {
    await rs.close();
    await as.close();
    await rm(home, { recursive: true, force: true });
  });

  const env = (store: string) => ({
    XDG_STATE_HOME: join(home, store),
    BROWSER: FETCH_BROWSER,
    TEST_BROWSER_USERNAME: USER.username,
    TEST_BROWSER_PASSWORD: USER.password,
    TEST_BROWSER_LOG: browserLog,
    TEST_BROWSER_CALLBACK_LOG: callbackLog,
  });
  const client = (...args: string[]) => ['--url', resource, '--callback-port=0', ...args];
  const browserRuns = async () => (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean).length;
  const savedTokens = async (store: string) => {
    const credentials = new CredentialStore(join(home, store, 'mcp-auth', 'client'));
    const path = credentials.tokensPath(as.issuer, resource);
    const saved = await credentials.read<SavedTokens>(path);
    assert.ok(saved, `signed in (${store})`);
    return { saved, write: (tokens: SavedTokens) => credentials.write(path, tokens) };
  };

  /** Every secret this run could have printed: tokens held, codes and states delivered, verifiers. */
  const assertNoSecretWhole = async (
    run: ClientRun,
    signedIn: 'browser' | 'no browser',
    ...earlierTokens: SavedTokens[]
  ) => {
    const output = `${run.stdout}\n${run.stderr}`;
    const secrets: Array<[string, string]> = [];
    for (const saved of earlierTokens) {
      secrets.push(['an access token', saved.tokens.access_token]);
      if (saved.tokens.refresh_token) secrets.push(['a refresh token', saved.tokens.refresh_token]);
    }
    for (const line of (await readFile(callbackLog, 'utf8')).split('\n').filter(Boolean)) {
      const callback = new URL(line);
      secrets.push(['an authorization code', callback.searchParams.get('code') ?? '']);
    }
    secrets.push(['the password', USER.password]);
    for (const [what, secret] of secrets) {
      assert.ok(secret.length > 8, `${what} to look for`);
      assert.ok(!output.includes(secret), `${what} appears whole in the trace`);
    }
    const challenges = challengesIn(output);
    assert.equal(challenges.size > 0, signedIn === 'browser', 'the PKCE challenges to check against');
    assert.ok(!printsAVerifier(output, challenges), 'a PKCE code_verifier appears whole');
  };

  it('a first sign-in: numbered steps from the 401 to the first call, each named and cited as the specifications do, in their order', async () => {
    const run = await runClient(client('--trace', 'list'), env('first'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^whoami\b/m, 'the result on stdout, as without --trace');
    const steps = textSteps(run.stderr);
    assertNumbered(steps.map((step) => step.seq));
    assertStepsInOrder(steps, [
      [
        /^MCP request without a token: 401/,
        'RFC 9728 §5.1',
        'www-authenticate: Bearer',
        'resource_metadata=',
      ],
      [/^Protected resource metadata/, 'RFC 9728 §3', 'authorization_servers'],
      [/^Authorization server metadata \(RFC 8414\)/, 'RFC 8414 §3', 'URL 1 of 2', 'What just happened:'],
      [/^Client registration: dynamic \(RFC 7591\)/, 'RFC 7591 §3', 'No --client-id'],
      [
        /^Authorization request/,
        'RFC 7636 §4.2',
        'RFC 8707 §2',
        'code_challenge_method: S256',
        "user ← the server's challenge",
      ],
      [/^Authorization response/, 'RFC 9207 §2.4', 'state matches', `iss ${as.issuer}`],
      [
        /^Token request/,
        'RFC 6749 §4.1.3',
        'RFC 6749 §5.1',
        'code_verifier',
        'What just happened: Signed in',
      ],
      [
        /^MCP request with the access token/,
        'RFC 6750 §2.1',
        'authorization: Bearer ',
        'What just happened:',
      ],
    ]);
    assert.equal(await browserRuns(), 1);
    assert.ok(!run.stderr.includes(ESC), 'no escape codes when stderr is not a terminal');
    const { saved } = await savedTokens('first');
    await assertNoSecretWhole(run, 'browser', saved);
    // Shortened, they are there: what was sent can still be told apart.
    assert.ok(run.stderr.includes(`Bearer ${saved.tokens.access_token.slice(0, 6)}…(`));
  });

  it('a refresh: a new access token from the refresh token (RFC 6749 §6), with no browser, no token whole', async () => {
    const { saved: before, write } = await savedTokens('first');
    // The access token is about to expire: the client refreshes it before the first request.
    await write({ ...before, expiresAt: Date.now() - 1000 });
    const browsersBefore = await browserRuns();
    const run = await runClient(
      client('--trace', 'call', 'calculator', '{"expression":"1+1"}'),
      env('first'),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\b2\b/);
    const steps = textSteps(run.stderr);
    assertNumbered(steps.map((step) => step.seq));
    assertStepsInOrder(steps, [
      [/^Protected resource metadata/, 'RFC 9728 §3.1', 'well-known URL'],
      [/^Authorization server metadata/, 'RFC 8414 §3'],
      [
        /^Refresh: a new access token/,
        'RFC 6749 §6',
        'grant_type: refresh_token',
        'What just happened: Refreshed',
      ],
      [/^MCP request with the access token/, 'RFC 6750 §2.1'],
    ]);
    assert.ok(!steps.some((step) => /^Authorization request/.test(step.title)), 'no browser step');
    assert.equal(await browserRuns(), browsersBefore, 'no browser');
    const { saved: after } = await savedTokens('first');
    assert.notEqual(after.tokens.access_token, before.tokens.access_token, 'a new access token');
    await assertNoSecretWhole(run, 'no browser', before, after);
  });

  it('a step-up: 403 insufficient_scope, then a sign-in for the wider scope saying where each scope came from, then the call', async () => {
    const { saved: before } = await savedTokens('first');
    const run = await runClient(client('--trace', 'call', 'server_stats', '{}'), env('first'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /requestsServed/);
    const steps = textSteps(run.stderr);
    assertNumbered(steps.map((step) => step.seq));
    assertStepsInOrder(steps, [
      [
        /^MCP request refused: 403 insufficient_scope/,
        'RFC 6750 §3.1',
        'MCP authorization: Scope Challenge Handling',
        'error="insufficient_scope"',
      ],
      [/^Client registration: kept from an earlier sign-in/],
      [
        /^Authorization request/,
        "user ← the server's challenge and the token held before",
        "admin ← the server's challenge",
      ],
      [/^Authorization response/, 'RFC 9207 §2.4'],
      [/^Token request/, 'scope "user admin"'],
      [/^MCP request with the access token/, 'What just happened: The MCP server checked the new token'],
      [/^MCP request with the access token/, 'tools/call server_stats', '← 200'],
    ]);
    const { saved: after } = await savedTokens('first');
    await assertNoSecretWhole(run, 'browser', before, after);
  });

  it('--trace=json: every line on stderr is one JSON object, the steps numbered with stable names; stdout keeps the --json result', async () => {
    const run = await runClient(client('--trace=json', '--json', 'list'), env('json'));
    assert.equal(run.code, 0, run.stderr);
    const tools = JSON.parse(run.stdout) as Array<{ name: string }>;
    assert.ok(
      tools.some((tool) => tool.name === 'whoami'),
      'stdout is the --json result alone',
    );
    const lines = run.stderr.split('\n').filter(Boolean);
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = objects.filter((object) => 'seq' in object);
    assertNumbered(steps.map((step) => step.seq as number));
    for (const step of steps) {
      assert.equal(typeof step.step, 'string');
      assert.equal(typeof step.title, 'string');
      assert.ok(Array.isArray(step.spec) && Array.isArray(step.notes), JSON.stringify(step));
    }
    assert.deepEqual(
      steps.slice(0, 8).map((step) => step.step),
      [
        'mcp-unauthorized',
        'protected-resource-metadata',
        'authorization-server-metadata',
        'client-registration',
        'authorization-request',
        'authorization-response',
        'token-request',
        'mcp-request',
      ],
    );
    const token = steps.find((step) => step.step === 'token-request') as {
      request: { body: Record<string, string> };
      response: { status: number; body: Record<string, unknown> };
    };
    assert.equal(token.response.status, 200);
    assert.equal(token.request.body.grant_type, 'authorization_code');
    assert.match(String(token.response.body.access_token), /^.{6}…\(\d+ chars\)$/);
    const messages = objects.filter((object) => 'message' in object).map((object) => object.message);
    assert.ok(
      messages.some((message) => String(message).startsWith('Sign in at: ')),
      'the client says where to sign in',
    );
    const { saved } = await savedTokens('json');
    await assertNoSecretWhole(run, 'browser', saved);
  });

  it('--trace=json when the server cannot be reached: the failed exchange and the failure itself are JSON lines too', async () => {
    const port = await freePort();
    const run = await runClient(
      ['--url', `http://127.0.0.1:${port}/mcp`, '--trace=json', 'list'],
      env('unreachable'),
    );
    assert.equal(run.code, 1, run.stderr);
    const objects = run.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { step?: string; error?: string; message?: string });
    assert.equal(objects[0]?.step, 'mcp-request');
    assert.equal(objects[0]?.error, 'connection refused');
    assert.match(objects.at(-1)?.message ?? '', /^mcp-auth-client: cannot reach the MCP server/);
  });

  it('on a terminal the steps are coloured; with NO_COLOR not one escape code is written', async () => {
    const onTerminal = (extra: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        // script(1) gives the client a pseudo-terminal, as a person's shell would.
        const command = ['mcp-auth-client', ...client('--trace', 'list')]
          .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
          .join(' ');
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          env: {
            ...process.env,
            ...env('first'),
            ...extra,
            PATH: `${BIN_DIR}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, output }));
      });
    const coloured = await onTerminal({});
    assert.equal(coloured.code, 0, coloured.output);
    assert.ok(coloured.output.includes(`${ESC}[1;36m[1] `), 'the step headings are coloured on a terminal');
    const plain = await onTerminal({ NO_COLOR: '1' });
    assert.equal(plain.code, 0, plain.output);
    assert.match(plain.output, /\[1\] MCP request with the access token/);
    assert.ok(!plain.output.includes(ESC), 'NO_COLOR: no escape code at all');
  });
});
