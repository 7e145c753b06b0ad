import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '@mcp-auth/shared';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { parseServeArgs } from '../../src/commands/serve-arguments.ts';

describe('the audit log: where it goes (--audit-log, the config file, MCP_AUTH_AS_AUDIT_LOG) and its lines', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mcp-auth-audit-options-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('the flag wins over the config file, which wins over the variable; with none, the log stream', async () => {
    const config = join(folder, 'config.json');
    await writeFile(config, JSON.stringify({ auditLog: '/from/config.log' }));
    const env = { MCP_AUTH_AS_AUDIT_LOG: '/from/env.log' };
    const parse = (argv: string[], environment: Record<string, string> = {}) =>
      parseServeArgs([...argv, '--data-dir=/x'], environment).options.auditLogFile;
    assert.equal(parse([`--config=${config}`, '--audit-log=/from/flag.log'], env), '/from/flag.log');
    assert.equal(parse([`--config=${config}`], env), '/from/config.log');
    assert.equal(parse([], env), '/from/env.log');
    assert.equal(parse([]), undefined);
  });

  it('a config file whose auditLog is no path is a usage error naming the key', async () => {
    const config = join(folder, 'bad.json');
    await writeFile(config, JSON.stringify({ auditLog: 42 }));
    assert.throws(
      () => parseServeArgs([`--config=${config}`, '--data-dir=/x'], {}),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /"auditLog" must be the path of a file/);
        return true;
      },
    );
  });

  it('one event is one line, whatever a typed username holds; a username is cut to 64 characters', async () => {
    const file = join(folder, 'audit.log');
    const log = new AuditLog({ file }, () => Date.UTC(2026, 0, 2, 3, 4, 5));
    const forged = `mallory\n{"event":"sign_in.succeeded","username":"admin"}${'x'.repeat(100)}`;
    log.record({
      event: 'sign_in.failed',
      username: forged,
      address: '192.0.2.1',
      via: 'authorization',
      reason: 'wrong_credentials',
    });
    log.close();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, string>;
    assert.equal(record.time, '2026-01-02T03:04:05.000Z');
    assert.equal(record.event, 'sign_in.failed');
    assert.equal(record.username?.length, 64);
    assert.ok(record.username?.startsWith('mallory {'));
  });
});

describe('an audit log file that cannot be opened', () => {
  it('is one sentence naming the file, why, and what to do', () => {
    assert.throws(
      () => new AuditLog({ file: '/nonexistent-folder-for-mcp-auth/audit.log' }),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(
          error.message,
          /^cannot open the audit log \/nonexistent-folder-for-mcp-auth\/audit\.log: .+; name a file in a folder that exists/,
        );
        return true;
      },
    );
  });
});
