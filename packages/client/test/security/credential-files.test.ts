import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appendHistory, HISTORY_SIZE, loadHistory } from '../../src/repl/history.ts';
import { CredentialStore } from '../../src/store/credential-store.ts';

/**
 * The client's files hold refresh tokens and client registrations: for another local user they
 * are a sign-in. They are owner-only (0600, in 0700 folders), written atomically (a temporary
 * file renamed over the old one), and a symbolic link planted where one of them goes is replaced,
 * never followed: following it would let whoever planted it make the client overwrite, append to
 * or chmod any file the person can write (their shell profile, their SSH keys).
 */
describe('the client’s files: permissions, atomic writes, symlinks', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-store-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('files are owner-only (0600) in owner-only folders (0700)', async () => {
    const store = new CredentialStore(join(dir, 'perm'));
    const path = store.tokensPath('https://as.example', 'https://rs.example/mcp');
    await store.write(path, { a: 1 });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'perm'))).mode & 0o777, 0o700);
    assert.deepEqual(await store.read(path), { a: 1 });
  });

  it('a file and a folder left readable by others are owner-only again after the next write', async () => {
    const store = new CredentialStore(join(dir, 'loose'));
    const path = store.tokensPath('https://as.example', 'https://rs.example/mcp');
    await store.write(path, { a: 1 });
    await chmod(path, 0o644);
    await chmod(join(dir, 'loose'), 0o755);
    await chmod(join(dir, 'loose', 'tokens'), 0o777);
    await store.write(path, { a: 2 });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'loose'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'loose', 'tokens'))).mode & 0o777, 0o700);
  });

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

  for (const [what, pathOf] of [
    ['tokens', (store: CredentialStore) => store.tokensPath('https://as.example', 'https://rs.example/mcp')],
    ['a client registration', (store: CredentialStore) => store.clientPath('https://as.example')],
    ['a sign-in pointer', (store: CredentialStore) => store.serverPath('https://rs.example/mcp')],
  ] as const) {
    it(`a symlink planted where ${what} go is replaced, never followed: the file it points to is untouched`, async () => {
      const home = await mkdtemp(join(dir, 'planted-'));
      const victim = join(home, 'victim-profile');
      await writeFile(victim, 'export PATH=/usr/bin\n', { mode: 0o644 });
      const store = new CredentialStore(join(home, 'store'));
      const path = pathOf(store);
      await mkdir(join(path, '..'), { recursive: true });
      await symlink(victim, path);
      await store.write(path, { access_token: 'secret' });
      assert.equal(await readFile(victim, 'utf8'), 'export PATH=/usr/bin\n', 'the target was not written');
      assert.equal((await stat(victim)).mode & 0o777, 0o644, 'nor chmod-ed');
      const written = await lstat(path);
      assert.ok(written.isFile() && !written.isSymbolicLink(), 'the link itself was replaced by the file');
      assert.equal(written.mode & 0o777, 0o600);
    });
  }

  it('a symlink planted where the REPL history goes is not followed: nothing appended, nothing chmod-ed', async () => {
    const home = await mkdtemp(join(dir, 'history-'));
    const victim = join(home, 'victim-profile');
    await writeFile(victim, 'export PATH=/usr/bin\n', { mode: 0o644 });
    const historyFile = join(home, 'repl-history');
    await symlink(victim, historyFile);
    await assert.rejects(appendHistory(historyFile, 'call calculator {"expression":"1+1"}', undefined));
    assert.equal(await readFile(victim, 'utf8'), 'export PATH=/usr/bin\n');
    assert.equal((await stat(victim)).mode & 0o777, 0o644);
  });

  it('a symlink planted where a long REPL history goes is not followed when it is trimmed', async () => {
    const home = await mkdtemp(join(dir, 'history-trim-'));
    const victim = join(home, 'victim-file');
    const lines = Array.from({ length: HISTORY_SIZE + 10 }, (_, index) => `line ${index}`).join('\n');
    await writeFile(victim, `${lines}\n`, { mode: 0o644 });
    const historyFile = join(home, 'repl-history');
    await symlink(victim, historyFile);
    await assert.rejects(loadHistory(historyFile));
    assert.equal(await readFile(victim, 'utf8'), `${lines}\n`, 'the target was not cut down');
  });
});
