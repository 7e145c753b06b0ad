import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { openStorage, silentLogger, startAuthorizationServer } from '../../src/index.ts';
import { explainDataDirError } from '../../src/storage/data-dir-errors.ts';
import { AS_CLI, assertOneClearLine, escapeRegExp, LEGACY_CLI, runProgram } from '../support/programs.ts';

const STORAGE_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/storage/open-storage.ts')).href;
const NOBODY = 65534;

/**
 * A data folder the AS cannot create or write must stop it with one sentence that names the
 * folder, the real obstacle (a file in the way, a folder it may not write, a read-only file
 * system) and what to do, never with a bare `ENOENT … mkdir`.
 */
describe('a data folder that cannot be created or written', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mcp-auth-read-only-'));
    // Traversable by everyone, so that a test running as an unprivileged user reaches its folders.
    await chmod(root, 0o755);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('a data folder below a regular file (ENOTDIR): the library and every program name the file in the way', async () => {
    const file = join(root, 'not-a-folder');
    await writeFile(file, 'a file where a folder should be\n');
    const dataDir = join(file, 'data');
    const expected = new RegExp(
      `^(mcp-auth-[a-z]+: )?cannot create the folder ${escapeRegExp(dataDir)}: ${escapeRegExp(file)} is a file, not a folder \\(ENOTDIR\\); choose another --data-dir\\n?$`,
    );
    await assert.rejects(openStorage(dataDir), (error: Error) => expected.test(error.message));
    await assert.rejects(
      startAuthorizationServer({ port: 0, host: '127.0.0.1', dataDir }, { logger: silentLogger }),
      (error: Error) => expected.test(error.message),
    );
    const flag = `--data-dir=${dataDir}`;
    assertOneClearLine(await runProgram(AS_CLI, ['--port=0', flag]), 'mcp-auth-as', expected);
    assertOneClearLine(
      await runProgram(AS_CLI, ['users', 'add', 'bob', flag], { input: 'a-long-password\n' }),
      'mcp-auth-as',
      expected,
    );
    assertOneClearLine(
      await runProgram(AS_CLI, ['clients', 'remove', 'some-client', flag]),
      'mcp-auth-as',
      expected,
    );
    assertOneClearLine(await runProgram(LEGACY_CLI, ['--port=0', flag]), 'mcp-auth-legacy', expected);
  });

  it('a data folder inside a folder this user may not write (EACCES): names that folder and says to fix permissions or choose another --data-dir', async () => {
    const locked = join(root, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await chmod(locked, 0o555);
    const dataDir = join(locked, 'data');
    // Root may write anywhere: as root, the check runs in a child process that first drops to
    // an unprivileged user, so that the permission bits apply as they do for everyone else.
    const message =
      process.getuid?.() === 0 ? await openStorageAsNobody(dataDir) : await openStorageHere(dataDir);
    assert.match(
      message,
      new RegExp(
        `^cannot create the folder ${escapeRegExp(dataDir)}: ${escapeRegExp(locked)}: permission denied \\(EACCES\\); fix the permissions or choose another --data-dir$`,
      ),
    );
  });

  it('a file of the data folder that cannot be read at start-up (secrets.json is a folder): names the file and the cause', async () => {
    const dataDir = join(root, 'secrets-is-a-folder');
    await mkdir(join(dataDir, 'secrets.json'), { recursive: true });
    const expected = new RegExp(
      `cannot read ${escapeRegExp(join(dataDir, 'secrets.json'))}: it is a folder, not a file \\(EISDIR\\); move it out of the way or choose another --data-dir`,
    );
    await assert.rejects(
      startAuthorizationServer({ port: 0, host: '127.0.0.1', dataDir }, { logger: silentLogger }),
      (error: Error) => expected.test(error.message),
    );
    assertOneClearLine(
      await runProgram(AS_CLI, ['--port=0', `--data-dir=${dataDir}`]),
      'mcp-auth-as',
      expected,
    );
  });

  it('a read-only file system (EROFS) is said in words, with the way out', () => {
    const error = Object.assign(new Error('EROFS: read-only file system, open'), {
      code: 'EROFS',
      syscall: 'open',
      path: '/mnt/backup/mcp-auth/secrets.json',
    });
    assert.equal(
      (explainDataDirError(error) as Error).message,
      'cannot open /mnt/backup/mcp-auth/secrets.json: read-only file system (EROFS); choose a --data-dir on a writable file system',
    );
  });
});

async function openStorageHere(dataDir: string): Promise<string> {
  try {
    await (await openStorage(dataDir)).close();
    return 'opened';
  } catch (error) {
    return (error as Error).message;
  }
}

/** `openStorage` in a child process that loads the code as root, then runs it as `nobody`. */
async function openStorageAsNobody(dataDir: string): Promise<string> {
  const script = `
    const { openStorage } = await import(process.argv[1]);
    process.setgid(${NOBODY});
    process.setuid(${NOBODY});
    try {
      await (await openStorage(process.argv[2])).close();
      process.stdout.write('opened');
    } catch (error) {
      process.stdout.write(error.message);
    }`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script, STORAGE_MODULE, dataDir],
    { timeout: 30_000 },
  );
  return stdout;
}
