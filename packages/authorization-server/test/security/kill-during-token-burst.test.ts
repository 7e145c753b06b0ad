import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@mcp-auth/test-support/free-port';
import { refresh } from '@mcp-auth/test-support/oauth-flow';
import { type RunningProcess, startCommand } from '../../../resource-server/test/support/processes.ts';
import { freshTestSchema, type TestSchema } from '../support/postgres-test-schema.ts';
import { AS_CLI, runProgram } from '../support/programs.ts';
import { signInAt } from '../support/sign-in-at.ts';
import type { TokenSet } from '../support/signed-in-client.ts';

const USER = { username: 'alice', password: 'correct horse battery staple' } as const;
/** Loops rotating refresh tokens at once, and the successful refreshes after which the AS is killed. */
const BURST = { chains: 8, killAfterRefreshes: 80 } as const;

/** SQLite keys of token values, as the adapter stores them (SHA-256, base64url). */
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

interface Chain {
  readonly clientId: string;
  /** Every refresh token the client received, in order: the last one is the one it holds. */
  readonly delivered: string[];
  /** Its last refresh was in flight when the process died: that token may or may not be spent. */
  lastInFlight: boolean;
}

/** How a test reads the refresh tokens a database holds: whether each exists, and is spent. */
interface StoredRefreshTokens {
  /** `undefined` when the token is not in the database; else whether it was consumed. */
  consumed(token: string): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/** The two storages `mcp-auth-as` runs on, each with how to point it there and read it back. */
interface Storage {
  readonly flags: string[];
  /** Opens the database after the restart, checking first that it is intact. */
  open(): Promise<StoredRefreshTokens>;
  drop(): Promise<void>;
}

async function sqliteStorage(): Promise<Storage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-sigkill-'));
  return {
    flags: [`--data-dir=${dataDir}`],
    async open() {
      const db = new DatabaseSync(join(dataDir, 'authorization-server.db'), { readOnly: true });
      assert.equal(
        (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
        'ok',
      );
      const lookup = db.prepare("SELECT consumed_at FROM artifacts WHERE model = 'RefreshToken' AND key = ?");
      return {
        consumed: async (token) => {
          const row = lookup.get(sha256(token)) as { consumed_at: number | null } | undefined;
          return row === undefined ? undefined : row.consumed_at !== null;
        },
        close: async () => db.close(),
      };
    },
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}

async function postgresStorage(): Promise<Storage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-sigkill-pg-'));
  const schema: TestSchema = freshTestSchema('mcp_auth_sigkill');
  return {
    // The folder still holds what is not in the database (the demo account's file).
    flags: [
      `--data-dir=${dataDir}`,
      `--database-url=${schema.database.url}`,
      `--database-schema=${schema.name}`,
    ],
    async open() {
      return {
        consumed: async (token) => {
          const result = await schema.query(
            `SELECT consumed_at FROM "${schema.name}".artifacts WHERE model = 'RefreshToken' AND key = $1`,
            [sha256(token)],
          );
          const row = result.rows[0] as { consumed_at: string | null } | undefined;
          return row === undefined ? undefined : row.consumed_at !== null;
        },
        close: async () => {},
      };
    },
    drop: async () => {
      await schema.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * SIGKILL of `mcp-auth-as` in the middle of a burst of refresh grants, on each database. SQLite in
 * WAL mode with `synchronous = NORMAL` keeps every commit through a crash of the process
 * (https://www.sqlite.org/pragma.html#pragma_synchronous); PostgreSQL keeps every committed
 * transaction whatever happens to its client. So after a restart the database is intact, and
 * every refresh token a client received before the kill is still known: it works once, or it was
 * spent by a request that died with the process and is refused as reused. None is silently gone.
 */
for (const [name, makeStorage] of [
  ['SQLite', sqliteStorage],
  ['PostgreSQL', postgresStorage],
] as const) {
  describe(`SIGKILL during a burst of refresh grants on ${name}`, {
    timeout: 120_000,
  }, () => {
    let storage: Storage;
    let port: number;
    let running: RunningProcess | undefined;

    before(async () => {
      storage = await makeStorage();
      port = await freePort();
      const added = await runProgram(AS_CLI, ['users', 'add', USER.username, ...storage.flags], {
        input: `${USER.password}\n`,
      });
      assert.equal(added.code, 0, added.stderr);
    });
    after(async () => {
      await running?.stop();
      await storage?.drop();
    });

    const start = async () => {
      running = startCommand(process.execPath, [AS_CLI, `--port=${port}`, ...storage.flags]);
      await running.waitFor(/data folder/);
      return running;
    };

    it('restarts on the same folder with an intact database, and every delivered refresh token works once or is refused as reused', async (t) => {
      const issuer = `http://localhost:${port}`;
      const victim = await start();
      const chains: Chain[] = await Promise.all(
        Array.from({ length: BURST.chains }, async () => {
          const { clientId, tokens } = await signInAt(issuer, USER);
          return { clientId, delivered: [tokens.refresh_token], lastInFlight: false };
        }),
      );

      // The burst: every loop rotates its refresh token until the process is gone; the kill comes
      // from the loop whose answer is the N-th success, so it lands while the others' are in flight.
      let refreshes = 0;
      await Promise.all(
        chains.map(async (chain) => {
          for (;;) {
            let response: Response;
            try {
              response = await refresh(issuer, chain.clientId, chain.delivered.at(-1) ?? '');
            } catch {
              chain.lastInFlight = true;
              return;
            }
            if (response.status !== 200) {
              assert.equal(
                victim.child.signalCode,
                'SIGKILL',
                `a refresh failed before the kill: ${response.status}`,
              );
              chain.lastInFlight = true;
              return;
            }
            chain.delivered.push(((await response.json()) as TokenSet).refresh_token);
            if (++refreshes === BURST.killAfterRefreshes) victim.child.kill('SIGKILL');
          }
        }),
      );
      if (victim.child.exitCode === null && victim.child.signalCode === null)
        await once(victim.child, 'exit');
      assert.equal(victim.child.signalCode, 'SIGKILL');
      t.diagnostic(
        `${refreshes} refreshes answered, ${chains.filter((chain) => chain.lastInFlight).length} in flight at the kill`,
      );

      // Restart: it starts only if the start-up check finds the database intact.
      const restarted = await start();
      assert.match(restarted.output(), /MCP Authorization Server/);
      const stored = await storage.open();
      const spent = new Map<string, boolean>();
      try {
        for (const chain of chains) {
          for (const [index, token] of chain.delivered.entries()) {
            const consumed = await stored.consumed(token);
            assert.notEqual(
              consumed,
              undefined,
              `a refresh token delivered before the kill is in the database (step ${index})`,
            );
            const isLast = index === chain.delivered.length - 1;
            if (!isLast) assert.equal(consumed, true, 'a rotated token is spent');
            if (isLast && !chain.lastInFlight)
              assert.equal(consumed, false, 'the token the client holds is live');
            if (isLast) spent.set(token, consumed === true);
          }
        }
      } finally {
        await stored.close();
      }

      // Over HTTP, on the restarted process: the token each client holds works once, or, when a
      // request that died with the process had spent it, is refused as a reuse.
      for (const chain of chains) {
        const holding = chain.delivered.at(-1) ?? '';
        const first = await refresh(issuer, chain.clientId, holding);
        if (spent.get(holding)) {
          assert.equal(first.status, 400);
          assert.equal(((await first.json()) as { error: string }).error, 'invalid_grant');
          continue;
        }
        assert.equal(first.status, 200, await first.clone().text());
        const again = await refresh(issuer, chain.clientId, holding);
        assert.equal(again.status, 400, 'and only once');
      }
    });
  });
}
