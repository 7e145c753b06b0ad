import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { redeemCode, refresh } from '@mcp-auth/test-support/oauth-flow';
import { type RunningProcess, startCommand } from '../../../resource-server/test/support/processes.ts';
import { AS_CLI, runProgram } from '../support/programs.ts';
import { codeFlowAt, signInAt } from '../support/sign-in-at.ts';
import type { TokenSet } from '../support/signed-in-client.ts';

const USER = { username: 'alice', password: 'correct horse battery staple' } as const;

/**
 * Two `mcp-auth-as` on one data folder (a second start by mistake, or two ports on purpose)
 * both work: SQLite in WAL mode with a busy timeout serialises their writes, and single-use
 * codes and refresh tokens are consumed by one conditional UPDATE, so across both processes
 * each has exactly one winner. (The README's "Where data lives" says so.)
 */
describe('two processes on one SQLite database', { timeout: 120_000 }, () => {
  let dataDir: string;
  let processes: RunningProcess[];
  let issuers: [string, string];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-two-processes-'));
    // Both start at once on a fresh folder: both create the database and migrate it.
    processes = [0, 1].map(() =>
      startCommand(process.execPath, [AS_CLI, '--port=0', `--data-dir=${dataDir}`]),
    );
    const banners = await Promise.all(processes.map((running) => running.waitFor(/data folder/)));
    issuers = banners.map(
      (banner) => /MCP Authorization Server\s+(http:\/\/localhost:\d+)/.exec(banner)?.[1],
    ) as [string, string];
    assert.ok(issuers[0] && issuers[1] && issuers[0] !== issuers[1], banners.join('\n'));
  });
  /** The two processes' issuers, taken in turn. */
  const issuerAt = (turn: number): string => issuers[turn % 2] as string;
  after(async () => {
    await Promise.all(processes.map((running) => running.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('both start at once on a fresh folder; an account added by a third process signs in at one and redeems at the other', async () => {
    const added = await runProgram(AS_CLI, ['users', 'add', USER.username, `--data-dir=${dataDir}`], {
      input: `${USER.password}\n`,
    });
    assert.equal(added.code, 0, added.stderr);
    const listed = await runProgram(AS_CLI, ['users', 'list', `--data-dir=${dataDir}`]);
    assert.deepEqual(
      listed.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t')[0]),
      ['alice', 'demo'],
      'one demo account, not one per process',
    );
    // Signed in at one process, the code redeemed at the other, both ways.
    await signInAt(issuers[0], USER, issuers[1]);
    await signInAt(issuers[1], USER, issuers[0]);
  });

  it('a code presented at both processes at the same moment is redeemed exactly once', async () => {
    for (let round = 0; round < 6; round++) {
      const [home, other] = round % 2 === 0 ? issuers : [issuers[1], issuers[0]];
      const flow = await codeFlowAt(home, USER);
      const answers = await Promise.all([home, other].map((issuer) => redeemCode(issuer, flow)));
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 400], `round ${round}`);
    }
  });

  it('a refresh token presented at both processes at the same moment is rotated exactly once', async () => {
    for (let round = 0; round < 6; round++) {
      const { clientId, tokens } = await signInAt(issuerAt(round), USER);
      const answers = await Promise.all(
        issuers.map((issuer) => refresh(issuer, clientId, tokens.refresh_token)),
      );
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 400], `round ${round}`);
    }
  });

  it('a burst of refreshes at both processes at once: every one answered 200, none lost to the lock', async () => {
    // One client for the eight chains: both processes count registrations from this address
    // against one limit (the rate-limit windows are in the shared database file).
    const { clientId } = await signInAt(issuerAt(0), USER);
    const chains = await Promise.all(
      Array.from({ length: 8 }, (_, index) => signInAt(issuerAt(index), USER, issuerAt(index), clientId)),
    );
    await Promise.all(
      chains.map(async (chain, index) => {
        let current = chain.tokens.refresh_token;
        for (let step = 0; step < 15; step++) {
          // Each step at the other process than the last: the chain alternates between them.
          const response = await refresh(issuerAt(index + step), chain.clientId, current);
          assert.equal(response.status, 200, `chain ${index} step ${step}: ${await response.clone().text()}`);
          current = ((await response.json()) as TokenSet).refresh_token;
        }
      }),
    );
    const db = new DatabaseSync(join(dataDir, 'authorization-server.db'), { readOnly: true });
    try {
      assert.equal(
        (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
        'ok',
      );
    } finally {
      db.close();
    }
  });
});
