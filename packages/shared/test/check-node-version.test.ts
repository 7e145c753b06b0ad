import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { skipUnlessFound } from '@mcp-auth/test-support/availability';
import { findOlderNode } from '@mcp-auth/test-support/older-node';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY_POINTS = [
  ...readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const bin = join(ROOT, 'packages', entry.name, 'bin');
      try {
        return readdirSync(bin).map((name) => join(bin, name));
      } catch {
        return [];
      }
    }),
  join(ROOT, 'scripts', 'start.js'), // npm start
  join(ROOT, 'scripts', 'test.js'), // npm test
];

const run = (node: string, script: string) =>
  promisify(execFile)(node, [script, '--help'], { cwd: ROOT, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

const older = findOlderNode([22, 18]);

describe('every entry point on a Node.js older than 22.18', () => {
  it('finds the four bins, npm start and npm test', () => {
    assert.equal(ENTRY_POINTS.length, 6, ENTRY_POINTS.join(', '));
  });

  for (const script of ENTRY_POINTS) {
    it(
      `${relative(ROOT, script)} says which Node is needed and exits 1, with no stack trace`,
      skipUnlessFound(older),
      async () => {
        const { path, version } = older.found ?? { path: '', version: '' };
        const result = await run(path, script);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, '');
        assert.match(
          result.stderr,
          new RegExp(
            `^Node\\.js 22\\.18 or newer is needed \\(you have ${version.replaceAll('.', '\\.')}\\): install it from https://nodejs\\.org or with nvm`,
          ),
        );
        assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, 'one line, no stack trace');
      },
    );
  }
});

describe('on this Node.js', () => {
  it('the version check lets it through silently', async () => {
    const result = await run(process.execPath, join(ROOT, 'packages', 'shared', 'check-node-version.js'));
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
  });
});
