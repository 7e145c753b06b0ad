import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteBackend } from '../../src/storage/sqlite-backend.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-sqlite-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rate limits in the SQLite file', () => {
  it('two connections to one file (two --workers processes) count into one window and share the refusal', async () => {
    const path = join(dir, 'shared.db');
    const [first, second] = [openSqliteBackend({ path }), openSqliteBackend({ path })];
    try {
      const at = Date.UTC(2030, 0, 1, 12, 0, 10);
      const limit = { points: 3, windowSeconds: 60 };
      const limiterOf = (backend: typeof first) => backend.rateLimits?.limiter('sign_in', limit, () => at);
      const [a, b] = [limiterOf(first), limiterOf(second)];
      assert.ok(a && b, 'the SQLite backend shares its rate limits');
      assert.equal((await a.consume('10.0.0.1')).used, 1);
      assert.equal((await b.consume('10.0.0.1')).used, 2);
      assert.equal((await a.consume('10.0.0.1')).allowed, true);
      const refused = await b.consume('10.0.0.1');
      assert.equal(refused.allowed, false);
      assert.equal(refused.retryAfterSeconds, 50);
      assert.equal((await a.check('10.0.0.1')).allowed, false);
      // Another key, and the same key in the next window, start from zero.
      assert.equal((await b.consume('10.0.0.2')).used, 1);
      const nextWindow = second.rateLimits?.limiter('sign_in', limit, () => at + 60_000);
      assert.equal((await nextWindow?.consume('10.0.0.1'))?.used, 1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('purges windows that ended a day ago, keeps current ones', async () => {
    const backend = openSqliteBackend({ path: join(dir, 'purge.db') });
    try {
      const day = 24 * 3600 * 1000;
      const start = Date.UTC(2030, 0, 1);
      const limit = { points: 5, windowSeconds: 60 };
      await backend.rateLimits?.limiter('old', limit, () => start).consume('10.0.0.1');
      await backend.rateLimits?.limiter('new', limit, () => start + day).consume('10.0.0.1');
      assert.equal(await backend.rateLimits?.purgeExpired(start + day + 60_000), 1);
      assert.equal(
        (await backend.rateLimits?.limiter('new', limit, () => start + day).check('10.0.0.1'))?.used,
        1,
      );
    } finally {
      await backend.close();
    }
  });
});
