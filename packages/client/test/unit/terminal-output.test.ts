import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runToolCommand } from '../../src/commands/run-command.ts';
import type { McpConnection } from '../../src/connection/mcp-connection.ts';
import { quietSdkWarnings } from '../../src/connection/quiet-sdk-warnings.ts';
import { startSpinner } from '../../src/connection/spinner.ts';

describe('what the terminal shows', () => {
  it('the SDK\'s "[mcp-sdk] …" recovery notes are dropped (only --verbose keeps them); other warnings pass', () => {
    const seen: unknown[][] = [];
    const target = { warn: (...args: unknown[]) => seen.push(args) } as unknown as Console;
    quietSdkWarnings(target);
    target.warn(
      '[mcp-sdk] OAuth "invalid_grant" — invalidating the stored tokens and retrying authorization.',
    );
    target.warn('something else', 1);
    assert.deepEqual(seen, [['something else', 1]]);
  });

  it('the spinner clears its line once: stopping it again must not erase the next prompt', () => {
    const writes: string[] = [];
    const stream = {
      isTTY: true,
      write: (chunk: string) => writes.push(chunk) > 0,
    } as unknown as NodeJS.WriteStream;
    const stop = startSpinner(stream, 'waiting', true);
    stop();
    stop();
    assert.deepEqual(writes, ['\r\u001b[2K']);
  });

  it('one-shot `list` aligns names and shows the first description line, like the REPL', async () => {
    const lines: string[] = [];
    const connection = {
      run: async () => ({
        tools: [
          {
            name: 'calculator',
            description: 'Evaluates arithmetic\nsecond line',
            inputSchema: { type: 'object' },
          },
          { name: 'whoami', description: 'The caller', inputSchema: { type: 'object' } },
          { name: 'bare', inputSchema: { type: 'object' } },
        ],
      }),
    } as unknown as McpConnection;
    const code = await runToolCommand(
      connection,
      { kind: 'list' },
      {
        json: false,
        color: false,
        line: (text) => lines.push(text),
        renderResult: () => '',
      },
    );
    assert.equal(code, 0);
    assert.deepEqual(lines, ['calculator  Evaluates arithmetic', 'whoami      The caller', 'bare']);
  });
});
