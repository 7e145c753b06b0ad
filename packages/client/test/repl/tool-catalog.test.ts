import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToolCatalog } from '../../src/repl/tool-catalog.ts';
import { fakeSession, outputLines, settle, startRepl, TOOLS } from './repl-harness.ts';

describe('ToolCatalog', () => {
  it('fetches once for everyone until refreshed', async () => {
    const session = fakeSession();
    const catalog = new ToolCatalog(session);
    const [first, second] = await Promise.all([catalog.known(), catalog.known()]);
    assert.equal(first, TOOLS);
    assert.equal(second, TOOLS);
    assert.equal(session.listToolsCount, 1);
    await catalog.refresh();
    await catalog.known();
    assert.equal(session.listToolsCount, 2);
  });

  it('does not keep a failed fetch', async () => {
    let attempts = 0;
    const catalog = new ToolCatalog(
      fakeSession({
        async listTools() {
          attempts++;
          if (attempts === 1) throw new Error('offline');
          return TOOLS;
        },
      }),
    );
    await assert.rejects(catalog.known(), /offline/);
    assert.equal(await catalog.known(), TOOLS);
  });
});

describe('tool names in the running REPL', () => {
  it('Tab completes commands and tool names, fetching the tools once; list fetches again', async () => {
    const session = fakeSession();
    const repl = startRepl(session, { terminal: true });
    await repl.waitFor((output) => output.includes('mcp> '));
    await repl.press('call calc', '\t', ' {"expression":"6*7"}', '\r');
    await repl.waitFor((output) => output.includes('"expression": "6*7"'));
    assert.equal(session.calls[0]?.name, 'calculator');
    assert.equal(session.listToolsCount, 1, 'completion and call share one fetch');

    await repl.press('li', '\t', '\r');
    await repl.waitFor((output) => output.includes('slow\n'));
    assert.equal(session.listToolsCount, 2);
    repl.end();
    await repl.done;
  });

  it('call finds a tool added after the list was cached', async () => {
    const added = { name: 'brand_new', inputSchema: { type: 'object' as const } };
    let tools = TOOLS;
    const session = fakeSession({
      async listTools() {
        return tools;
      },
    });
    const repl = startRepl(session);
    repl.type('list');
    await repl.waitFor((output) => output.includes('slow\n'));
    tools = [...TOOLS, added];
    await settle();
    repl.type('call brand_new {}');
    repl.end();
    await repl.done;
    assert.equal(session.calls[0]?.name, 'brand_new');
    assert.ok(!outputLines(repl.output()).some((line) => line.startsWith('error')));
  });
});
