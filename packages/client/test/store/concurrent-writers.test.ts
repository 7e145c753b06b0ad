import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CredentialStore } from '../../src/store/credential-store.ts';

/** Moved out of test/unit: it runs two writer processes (unit tests stay in one process). */
describe('credential store (SPEC Client.4, Client.7)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-store-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('two processes writing the same record at once never leave a half-written file', async () => {
    const store = new CredentialStore(join(dir, 'race'));
    const path = store.tokensPath('https://as.example', 'https://rs.example/mcp');
    const writer = fileURLToPath(new URL('./store-writer.ts', import.meta.url));
    const runWriter = (id: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [writer, join(dir, 'race'), id, '200'], { stdio: 'ignore' });
        child.on('close', resolve);
      });
    const reader = (async () => {
      for (let read = 0; read < 200; read++) {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        if (text !== undefined) JSON.parse(text); // throws on a torn write
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    assert.deepEqual(await Promise.all([runWriter('a'), runWriter('b')]), [0, 0]);
    await reader;
    const last = (await store.read<{ writer: string; padding: string }>(path)) ?? { writer: '', padding: '' };
    assert.ok(['a', 'b'].includes(last.writer));
    assert.equal(last.padding.length, 10_000);
  });
});
