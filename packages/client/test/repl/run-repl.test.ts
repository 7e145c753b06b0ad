import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERRUPT_HINT } from '../../src/repl/run-repl.ts';
import { deferred, fakeSession, outputLines, runScript, settle, startRepl } from './repl-harness.ts';

const calculatorResult = {
  isError: false,
  structuredContent: { result: 14 },
  content: [{ type: 'text', text: '{"result":14}' }],
};

describe('runRepl driven through a pipe', () => {
  it('list prints each tool with the first line of its description', async () => {
    const lines = outputLines(await runScript(fakeSession(), ['list']));
    assert.deepEqual(lines, [
      'calculator  Evaluates an arithmetic expression',
      'configure   Takes one of each kind of argument',
      'slow',
    ]);
  });

  it('call with JSON arguments passes them on and prints the structured result', async () => {
    const session = fakeSession({ callTool: async () => calculatorResult });
    const output = await runScript(session, ['call calculator {"expression":"2+3*4"}']);
    assert.deepEqual(
      session.calls.map(({ name, args }) => ({ name, args })),
      [{ name: 'calculator', args: { expression: '2+3*4' } }],
    );
    // The text block only repeats the structured content, so it is not printed twice.
    assert.deepEqual(outputLines(output), ['{', '  "result": 14', '}']);
  });

  it('bad JSON gives exactly one error line, and the next command still runs', async () => {
    const session = fakeSession();
    const lines = outputLines(await runScript(session, ['call calculator {"expression":', 'status']));
    const errors = lines.filter((line) => line.includes('error'));
    assert.equal(errors.length, 1, lines.join('\n'));
    assert.match(errors[0] ?? '', /^error: the arguments are not valid JSON: \S/);
    assert.ok(lines.includes('signed in to https://mcp.example.com'));
    assert.equal(session.calls.length, 0);
  });

  it('JSON that is not an object is refused in one line', async () => {
    const lines = outputLines(await runScript(fakeSession(), ['call calculator [1, 2]']));
    assert.deepEqual(lines, ['error: the arguments must be a JSON object, e.g. {"expression":"2+2"}']);
  });

  it('an unknown command gets one line pointing at help, and the REPL goes on', async () => {
    const lines = outputLines(await runScript(fakeSession(), ['frobnicate now', '', '   ', 'logout']));
    assert.deepEqual(lines, [
      'error: unknown command "frobnicate"; type help to see the commands',
      'signed out of https://mcp.example.com',
    ]);
  });

  it('an unknown tool gets one line with the close matches', async () => {
    const lines = outputLines(
      await runScript(fakeSession(), ['call calculater {}', 'call conf', 'call zzz']),
    );
    assert.deepEqual(lines, [
      'error: no tool named "calculater"; did you mean calculator?',
      'error: no tool named "conf"; did you mean configure?',
      'error: no tool named "zzz"; type list to see the tools',
    ]);
  });

  it('help lists the commands; quit and exit leave without reading further', async () => {
    const help = outputLines(await runScript(fakeSession(), ['help']));
    for (const command of ['list', 'call <tool> [json]', 'status', 'logout', 'quit, exit']) {
      assert.ok(
        help.some((line) => line.trimStart().startsWith(command)),
        command,
      );
    }
    for (const leave of ['quit', 'exit']) {
      const session = fakeSession();
      assert.deepEqual(outputLines(await runScript(session, [leave, 'list'])), []);
      assert.equal(session.listToolsCount, 0);
    }
  });

  it('call without JSON asks for each argument, required first, coercing by type and asking again once', async () => {
    const session = fakeSession();
    const output = await runScript(session, [
      'call configure',
      'Ada', // name (string, required)
      'a lot', // ratio (number, required): refused …
      '0.5', // … and asked again
      'yes', // verbose (boolean)
      '', // count: takes the default 3
      '', // tags: optional, skipped
      'list',
    ]);
    assert.deepEqual(session.calls[0]?.args, { name: 'Ada', ratio: 0.5, verbose: true, count: 3 });
    assert.match(output, /name: who to greet\n {2}name \(string, required\): /);
    assert.match(output, /ratio \(number, required\): +"a lot" is not a number; try again\n {2}ratio/);
    assert.match(output, /count \(integer, optional, default 3\): /);
    assert.match(output, /tags \(array as JSON, optional\): /);
    assert.match(output, /"ratio": 0\.5/);
    assert.match(output, /calculator {2}Evaluates/, 'the next command still runs');
  });

  it('a second bad answer gives up without calling the tool', async () => {
    const session = fakeSession();
    const lines = outputLines(await runScript(session, ['call configure', 'Ada', 'x', 'y', 'status']));
    assert.equal(session.calls.length, 0);
    assert.ok(
      lines.some((line) => line.endsWith('error: ratio: "y" is not a number; configure was not called')),
    );
    assert.ok(lines.includes('signed in to https://mcp.example.com'));
  });

  it('isError results print as error lines, one per text block', async () => {
    const session = fakeSession({
      callTool: async () => ({
        isError: true,
        content: [
          { type: 'text', text: 'division by zero' },
          { type: 'text', text: 'in "1/0"' },
        ],
      }),
    });
    const lines = outputLines(await runScript(session, ['call calculator {"expression":"1/0"}']));
    assert.deepEqual(lines, ['error: division by zero', 'error: in "1/0"']);
  });

  it('other content is summarised in one line after the text', async () => {
    const session = fakeSession({
      callTool: async () => ({
        content: [
          { type: 'image', mimeType: 'image/png', data: Buffer.alloc(1234).toString('base64') },
          { type: 'text', text: 'a picture' },
        ],
      }),
    });
    const lines = outputLines(await runScript(session, ['call slow {}']));
    assert.deepEqual(lines, ['[image image/png, 1234 bytes]', 'a picture']);
  });

  it('colours JSON only when asked to', async () => {
    const result = { structuredContent: { result: 14, ok: true, name: 'x', none: null }, content: [] };
    const session = fakeSession({ callTool: async () => result });
    const plain = await runScript(session, ['call slow {}', 'call nope {}', 'help', 'list'], {
      color: false,
    });
    assert.ok(!plain.includes('\u001b['), JSON.stringify(plain));

    const coloured = await runScript(session, ['call slow {}'], { color: true });
    assert.ok(
      coloured.includes('\u001b[36m"result"\u001b[0m: \u001b[33m14\u001b[0m'),
      JSON.stringify(coloured),
    );
    assert.ok(coloured.includes('\u001b[32m"x"\u001b[0m'));
    assert.ok(coloured.includes('\u001b[35mtrue\u001b[0m'));
    assert.ok(coloured.includes('\u001b[35mnull\u001b[0m'));
  });

  it('a session that throws costs one error line, and the REPL goes on', async () => {
    let failing = true;
    const session = fakeSession({
      async listTools() {
        if (failing) {
          failing = false;
          throw new Error('fetch failed:\n  connect ECONNREFUSED 127.0.0.1:3000');
        }
        return [];
      },
      async status() {
        throw new Error('not signed in');
      },
    });
    const lines = outputLines(await runScript(session, ['list', 'status', 'list']));
    assert.deepEqual(lines, [
      'error: fetch failed: connect ECONNREFUSED 127.0.0.1:3000',
      'error: not signed in',
      '(the server offers no tools)',
    ]);
  });

  it('ends cleanly at the end of input, on a fresh line', async () => {
    const output = await runScript(fakeSession(), []);
    assert.equal(output, 'mcp> \n');
  });
});

describe('Ctrl-C in the REPL', () => {
  it('cancels a running call through its signal, prints cancelled, and the REPL goes on', async () => {
    const started = deferred();
    const session = fakeSession({
      callTool: (_name, _args, abort) =>
        new Promise((_resolve, reject) => {
          started.resolve();
          abort.addEventListener('abort', () => reject(abort.reason));
        }),
    });
    const repl = startRepl(session);
    repl.type('call slow {}');
    await started.promise;
    repl.controls.interrupt();
    repl.type('status');
    repl.end();
    await repl.done;
    assert.equal(session.calls[0]?.signal.aborted, true);
    assert.deepEqual(outputLines(repl.output()), [
      'cancelled',
      'signed in to https://mcp.example.com',
      'the access token expires in 59 minutes',
    ]);
  });

  it('gives the prompt back even when the session ignores the signal', async () => {
    const started = deferred();
    const session = fakeSession({
      callTool: () => {
        started.resolve();
        return new Promise(() => {});
      },
    });
    const repl = startRepl(session);
    repl.type('call slow {}');
    await started.promise;
    repl.controls.interrupt();
    repl.type('logout');
    repl.end();
    await repl.done;
    assert.deepEqual(outputLines(repl.output()), ['cancelled', 'signed out of https://mcp.example.com']);
  });

  it('at an empty prompt prints how to leave, and keeps reading', async () => {
    const repl = startRepl(fakeSession());
    await repl.waitFor((output) => output === 'mcp> ');
    repl.controls.interrupt();
    repl.type('logout');
    repl.end();
    await repl.done;
    assert.equal(
      repl.output(),
      `mcp> \n${INTERRUPT_HINT}\nmcp> signed out of https://mcp.example.com\nmcp> \n`,
    );
  });

  it('while answering argument prompts stops them without calling the tool', async () => {
    const session = fakeSession();
    const repl = startRepl(session);
    repl.type('call configure');
    await repl.waitFor((output) => output.includes('name (string, required): '));
    repl.controls.interrupt();
    await settle();
    repl.type('status');
    repl.end();
    await repl.done;
    assert.equal(session.calls.length, 0);
    const lines = outputLines(repl.output());
    assert.ok(
      lines.some((line) => line.endsWith('cancelled')),
      lines.join('\n'),
    );
    assert.ok(lines.includes('signed in to https://mcp.example.com'));
  });
});

describe('the end of input', () => {
  it('Ctrl-D at a terminal while a call (or the sign-in it waits for) runs cancels it and leaves at once', async () => {
    const started = deferred();
    const session = fakeSession({
      callTool: (_name, _args, abort) =>
        new Promise((_resolve, reject) => {
          started.resolve();
          abort.addEventListener('abort', () => reject(abort.reason));
        }),
    });
    const repl = startRepl(session, { terminal: true });
    repl.type('call slow {}');
    await started.promise;
    repl.end();
    await repl.done;
    assert.equal(session.calls[0]?.signal.aborted, true, 'the call was cancelled');
  });

  it('the end of piped input lets the running command finish: a script still gets its answers', async () => {
    const started = deferred();
    let finish: (() => void) | undefined;
    const session = fakeSession({
      callTool: (_name, args, abort) =>
        new Promise((resolve) => {
          started.resolve();
          finish = () => resolve({ structuredContent: { args }, content: [] });
          abort.addEventListener('abort', () => resolve({ isError: true, content: [] }));
        }),
    });
    const repl = startRepl(session);
    repl.type('call slow {"n":1}');
    await started.promise;
    repl.end();
    await settle();
    finish?.();
    await repl.done;
    assert.equal(session.calls[0]?.signal.aborted, false);
    assert.deepEqual(outputLines(repl.output()), ['{', '  "args": {', '    "n": 1', '  }', '}']);
  });
});
