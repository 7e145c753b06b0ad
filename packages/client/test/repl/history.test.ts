import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendHistory, HISTORY_SIZE, loadHistory, mayHoldSecret } from '../../src/repl/history.ts';
import { fakeSession, runScript, startRepl } from './repl-harness.ts';

const UP = '\u001b[A';

describe('REPL history', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'repl-history-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps entered lines in an owner-only file, without repeats or anything that may hold a secret', async () => {
    const historyFile = join(dir, 'nested', 'history');
    await runScript(
      fakeSession(),
      [
        'list',
        'list',
        '',
        'call calculator {"expression":"1+1"}',
        'call login {"password":"hunter2"}',
        'call fetch {"access_token":"abc"}',
        'status',
      ],
      { historyFile },
    );
    assert.equal(await readFile(historyFile, 'utf8'), 'list\ncall calculator {"expression":"1+1"}\nstatus\n');
    assert.equal((await stat(historyFile)).mode & 0o777, 0o600);
  });

  it('brings the history back in the next run (Up recalls the last line)', async () => {
    const historyFile = join(dir, 'recall');
    await runScript(fakeSession(), ['help', 'status'], { historyFile });
    assert.deepEqual(await loadHistory(historyFile), ['status', 'help']);

    const repl = startRepl(fakeSession(), { historyFile, terminal: true });
    await repl.waitFor((output) => output.includes('mcp> '));
    await repl.press(UP, '\r');
    repl.end();
    await repl.done;
    assert.match(repl.output(), /signed in to https:\/\/mcp\.example\.com/);
  });

  it('tightens a file that was left readable by others', async () => {
    const historyFile = join(dir, 'loose');
    await writeFile(historyFile, 'list\n', { mode: 0o644 });
    await appendHistory(historyFile, 'help', undefined);
    assert.equal((await stat(historyFile)).mode & 0o777, 0o600);
    assert.equal(await readFile(historyFile, 'utf8'), 'list\nhelp\n');
  });

  it(`loads only the last ${HISTORY_SIZE} lines, newest first, and trims the file to them`, async () => {
    const historyFile = join(dir, 'long');
    const lines = Array.from({ length: HISTORY_SIZE + 100 }, (_, index) => `call echo {"n":${index}}`);
    await writeFile(historyFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    const loaded = await loadHistory(historyFile);
    assert.equal(loaded.length, HISTORY_SIZE);
    assert.equal(loaded[0], lines.at(-1));
    assert.equal(loaded.at(-1), lines[100]);
    assert.equal((await readFile(historyFile, 'utf8')).split('\n').filter(Boolean).length, HISTORY_SIZE);
  });

  it('treats a missing file as no history', async () => {
    assert.deepEqual(await loadHistory(join(dir, 'absent')), []);
  });

  it('a history file that cannot be used costs one warning, not the REPL', async () => {
    const output = await runScript(fakeSession(), ['list', 'help'], { historyFile: dir });
    assert.equal(output.match(/warning: history is off/g)?.length, 1, output);
    assert.match(output, /calculator/);
  });
});

describe('mayHoldSecret', () => {
  it('flags lines mentioning tokens, passwords, secrets, API keys or authorization', () => {
    for (const line of [
      'call login {"password":"x"}',
      'call fetch {"refresh_token":"x"}',
      'call fetch {"Authorization":"Bearer x"}',
      'call s3 {"apiKey":"x"}',
      'call vault {"client_secret":"x"}',
    ]) {
      assert.equal(mayHoldSecret(line), true, line);
    }
    assert.equal(mayHoldSecret('call calculator {"expression":"2+2"}'), false);
  });
});
