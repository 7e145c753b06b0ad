import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openBrowser } from '../../src/oauth/open-browser.ts';

/** Moved out of test/unit: it runs a stand-in browser program (unit tests stay in one process). */
describe('opening the browser (RFC 8252 §6)', () => {
  it('a URL full of shell metacharacters reaches the program as one argument', async () => {
    const { mkdtemp, readFile, writeFile, chmod } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'mcp-auth-browser-'));
    const script = join(dir, 'record.sh');
    const out = join(dir, 'args');
    await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$#" "$1" > '${out}'\n`);
    await chmod(script, 0o755);
    const url = new URL('https://as.example/auth?x=1&y=$(touch /tmp/pwned)`id`;ls');
    // The stand-in runs detached: its file is read each time the folder changes (an event, not
    // a poll), until both lines are there.
    const { watch } = await import('node:fs');
    const written = new Promise<string>((resolve, reject) => {
      const watcher = watch(dir);
      const timer = setTimeout(() => {
        watcher.close();
        reject(new Error('timed out'));
      }, 10_000);
      watcher.on('change', async () => {
        const text = await readFile(out, 'utf8').catch(() => '');
        if (!text.endsWith('\n') || text.trim().split('\n').length < 2) return;
        clearTimeout(timer);
        watcher.close();
        resolve(text);
      });
    });
    await openBrowser(url, { env: { BROWSER: script } });
    const text = await written.catch(() => assert.fail('the browser stand-in never ran'));
    const [count, first] = text.trim().split('\n');
    assert.equal(count, '1');
    assert.equal(first, url.href);
  });
});
