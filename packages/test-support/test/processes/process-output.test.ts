import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { waitForOutput } from '../../src/process-output.ts';

/** A process that prints `line` when told to on its standard input, then waits or exits. */
function echoOnInput(line: string, exitAfter: boolean) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `process.stdin.once('data', () => { console.log(${JSON.stringify(line)}); ${exitAfter ? 'process.exit(0)' : ''} });`,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

describe('waiting for a process to print something', () => {
  it('resolves with the match once the line is printed', async () => {
    const { child, output } = echoOnInput('listening on port 4242', false);
    try {
      const waiting = waitForOutput(child, output, /port (\d+)/);
      child.stdin.write('go\n');
      assert.equal((await waiting)[1], '4242');
    } finally {
      child.kill();
    }
  });

  it('a line printed just before exiting still counts', async () => {
    const { child, output } = echoOnInput('ready', true);
    const waiting = waitForOutput(child, output, /ready/);
    child.stdin.end('go\n');
    assert.equal((await waiting)[0], 'ready');
  });

  it('rejects with what was printed when the process exits without the line', async () => {
    const { child, output } = echoOnInput('something else', true);
    const waiting = waitForOutput(child, output, /ready/);
    child.stdin.end('go\n');
    await assert.rejects(waiting, /the process exited \(0\) before printing \/ready\/:\nsomething else/);
  });

  it('rejects after the timeout when nothing comes', async () => {
    const { child, output } = echoOnInput('never asked', false);
    try {
      await assert.rejects(
        waitForOutput(child, output, /ready/, 50),
        /timed out after 50 ms waiting for \/ready\//,
      );
    } finally {
      child.kill();
    }
  });
});
