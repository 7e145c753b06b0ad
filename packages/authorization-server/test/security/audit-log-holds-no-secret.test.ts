import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MCP_URL } from '@mcp-auth/shared';
import { CookieJar } from '@mcp-auth/test-support/cookie-jar';
import { authorize, redeemCode, refresh, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { waitForOutput } from '@mcp-auth/test-support/process-output';
import { AccountBrowser } from '../support/account-browser.ts';
import { AS_CLI, runProgram } from '../support/programs.ts';

interface AuditLine {
  readonly time: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

/** `mcp-auth-as` as a process of its own, its output kept; resolves once it serves. */
async function startProgram(args: string[]) {
  const child = spawn(process.execPath, [AS_CLI, '--port=0', ...args], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const banner = await waitForOutput(child, () => output, /demo account\s+(\S+) \/ (\S+)/);
  const issuer = /MCP Authorization Server\s+(http:\/\/localhost:\d+)/.exec(output)?.[1] ?? '';
  return {
    child,
    issuer,
    demo: { username: banner[1] ?? '', password: banner[2] ?? '' },
    output: () => output,
  };
}

async function stopProgram(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The audit log (README "Operating it") read from a running `mcp-auth-as`: every security event
 * of a session of real traffic and operator commands is there as one JSON line with the
 * documented fields, and no line holds a password, token, code, PKCE verifier, client secret or
 * cookie value that went over the wire (OWASP Logging Cheat Sheet, "Data to exclude").
 */
describe('the audit log of a running AS', () => {
  let dataDir: string;
  let auditFile: string;
  let server: Awaited<ReturnType<typeof startProgram>>;
  /** Every secret value the session used: none may appear in any line. */
  const secrets = new Set<string>();
  let lines: AuditLine[] = [];

  const operator = (...argv: string[]) =>
    runProgram(AS_CLI, [...argv, `--data-dir=${dataDir}`], { env: { MCP_AUTH_AS_AUDIT_LOG: auditFile } });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-audit-'));
    auditFile = join(dataDir, 'audit.log');
    server = await startProgram([`--data-dir=${dataDir}`, `--audit-log=${auditFile}`]);
    const { issuer, demo } = server;
    secrets.add(demo.password);

    // A resource server's credential, from the operator (client.registered, pre-registered).
    const added = await operator(
      'clients',
      'add',
      '--name=Audit RS',
      '--resource-server',
      `--resource=${DEFAULT_MCP_URL}`,
    );
    assert.equal(added.code, 0, added.stderr);
    secrets.add(/^client_secret=(\S+)$/m.exec(added.stdout)?.[1] ?? 'missing secret');

    // Failed sign-ins until the throttle refuses (sign_in.failed, rate_limit.hit).
    const client = await registerPublicClient(issuer);
    const wrongPassword = 'wrong-password-not-to-be-logged';
    secrets.add(wrongPassword);
    for (let attempt = 0; attempt < 6; attempt++) {
      const browser = new AccountBrowser(issuer);
      await browser.open();
      await browser.post('/account/sign-in', { username: 'mallory', password: wrongPassword });
    }

    // A denial, then a sign-in with consent, a code replay and a refresh token reuse.
    await authorize(issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEFAULT_MCP_URL,
      ...demo,
      consent: 'deny',
    });
    const jar = new CookieJar();
    const outcome = await authorize(issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEFAULT_MCP_URL,
      ...demo,
      jar,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    secrets.add(code).add(outcome.verifier);
    for (const value of jar.header().split('; ')) secrets.add(value.split('=')[1] ?? '');
    const tokens = (await (
      await redeemCode(issuer, { clientId: client.client_id, code, ...outcome })
    ).json()) as {
      access_token: string;
      refresh_token: string;
    };
    secrets.add(tokens.access_token).add(tokens.refresh_token);
    assert.equal((await redeemCode(issuer, { clientId: client.client_id, code, ...outcome })).status, 400);

    const second = await authorize(issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: DEFAULT_MCP_URL,
      ...demo,
    });
    const secondCode = second.redirect.searchParams.get('code') ?? '';
    const secondTokens = (await (
      await redeemCode(issuer, { clientId: client.client_id, code: secondCode, ...second })
    ).json()) as { access_token: string; refresh_token: string };
    const rotated = (await (await refresh(issuer, client.client_id, secondTokens.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    secrets
      .add(secondCode)
      .add(second.verifier)
      .add(secondTokens.access_token)
      .add(secondTokens.refresh_token);
    secrets.add(rotated.access_token).add(rotated.refresh_token);
    assert.equal((await refresh(issuer, client.client_id, secondTokens.refresh_token)).status, 400);

    // The person disconnects an app on /account; the operator revokes one, rotates keys, removes a client.
    // Two more apps: one the person disconnects, one the operator revokes.
    for (let app = 0; app < 2; app++) {
      const connected = await authorize(issuer, {
        clientId: (await registerPublicClient(issuer)).client_id,
        scope: 'user',
        resource: DEFAULT_MCP_URL,
        ...demo,
      });
      secrets.add(connected.redirect.searchParams.get('code') ?? '').add(connected.verifier);
    }
    const account = new AccountBrowser(issuer);
    await account.signIn(demo.username, demo.password);
    for (const value of account.jar.header().split('; ')) secrets.add(value.split('=')[1] ?? '');
    secrets.add(account.csrf());
    const [first, other] = account.connectedApps();
    assert.ok(first && other, account.page);
    assert.equal((await account.post('/account/disconnect', { grant: first.grantId })).status, 303);
    assert.equal((await operator('grants', 'revoke', other.grantId)).code, 0);
    assert.equal((await operator('keys', 'rotate')).code, 0);
    assert.equal((await operator('clients', 'remove', client.client_id)).code, 0);

    await stopProgram(server.child);
    lines = (await readFile(auditFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditLine);
  });
  after(async () => {
    await stopProgram(server?.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  const withEvent = (event: string) => lines.filter((line) => line.event === event);

  it('records each security event with its documented fields', () => {
    assert.ok(lines.every((line) => !Number.isNaN(Date.parse(line.time)) && typeof line.event === 'string'));
    const failed = withEvent('sign_in.failed');
    assert.ok(failed.length >= 5);
    assert.deepEqual(Object.keys(failed[0] ?? {}).sort(), [
      'address',
      'event',
      'reason',
      'time',
      'username',
      'via',
    ]);
    assert.equal(failed[0]?.username, 'mallory');
    assert.equal(failed[0]?.address, '127.0.0.1');
    assert.ok(withEvent('rate_limit.hit').some((line) => line.limit === 'sign_in'));
    assert.ok(
      withEvent('sign_in.succeeded').some(
        (line) => line.username === server.demo.username && line.via === 'authorization',
      ),
    );
    assert.ok(withEvent('sign_in.succeeded').some((line) => line.via === 'account_page'));
    assert.equal(withEvent('consent.denied').length, 1);
    assert.ok(withEvent('consent.given').length >= 2);
    assert.equal(withEvent('code.replay_detected').length, 1);
    assert.equal(withEvent('refresh_token.reuse_detected').length, 1);
    assert.deepEqual(
      withEvent('grant.revoked')
        .map((line) => line.by)
        .sort(),
      ['account_page', 'admin_cli'],
    );
    assert.ok(withEvent('client.registered').some((line) => line.how === 'dynamic'));
    assert.ok(withEvent('client.registered').some((line) => line.how === 'pre-registered'));
    assert.equal(withEvent('client.removed').length, 1);
    assert.equal(withEvent('keys.rotated').length, 1);
  });

  it('no line holds a password, token, code, verifier, client secret or cookie value', async () => {
    const text = await readFile(auditFile, 'utf8');
    assert.ok(secrets.size > 10);
    for (const secret of secrets) {
      if (secret.length < 8) continue;
      assert.ok(!text.includes(secret), `a secret value (${secret.slice(0, 4)}…) is in the audit log`);
    }
    assert.doesNotMatch(text, /password"\s*:/i);
  });
});

describe('the audit log on the log stream', () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startProgram>> | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-audit-stream-'));
  });
  after(async () => {
    await stopProgram(server?.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('without --audit-log, each event is a log line with "msg":"audit" and the same fields', async () => {
    server = await startProgram([`--data-dir=${dataDir}`]);
    const browser = new AccountBrowser(server.issuer);
    await browser.open();
    await browser.post('/account/sign-in', { username: 'mallory', password: 'stream-secret-password' });
    const line = await waitForOutput(server.child, server.output, /^\{.*"msg":"audit".*\}$/m);
    const record = JSON.parse(line[0]) as Record<string, unknown>;
    assert.equal(record.event, 'sign_in.failed');
    assert.equal(record.username, 'mallory');
    assert.doesNotMatch(server.output(), /stream-secret-password/);
  });
});
