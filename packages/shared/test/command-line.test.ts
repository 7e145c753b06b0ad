import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CommandLineProgram,
  parseFlags,
  runCommandLine,
  UsageError,
  wholeNumberFlag,
} from '../src/command-line.ts';

/** Runs `program` with `argv`, capturing what it writes to stderr and the exit code it sets. */
async function run(program: Omit<CommandLineProgram, 'name'>, argv: string[] = []) {
  let stderr = '';
  let exitCode: number | undefined;
  const returned = await runCommandLine({ name: 'mcp-auth-test', ...program }, argv, {
    stderr: { write: (text: string) => (stderr += text) },
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  assert.equal(returned, exitCode, 'the exit code returned is the one set');
  return { stderr, exitCode };
}

function failure(): Error {
  return new Error('the data folder /srv/x is read-only (EROFS); choose another with --data-dir', {
    cause: new Error('EROFS: read-only file system'),
  });
}

describe('the command-line ending every program shares', () => {
  it("the program's own exit code becomes the process's", async () => {
    const { stderr, exitCode } = await run({ run: async () => 0 });
    assert.equal(exitCode, 0);
    assert.equal(stderr, '');
    assert.equal((await run({ run: async () => 4 })).exitCode, 4);
  });

  it('a usage mistake is one line naming the program, a pointer to --help, and exit code 2', async () => {
    const { stderr, exitCode } = await run({
      run: async () => {
        throw new UsageError('--port must be a whole number from 0 to 65535, not "eighty"');
      },
    });
    assert.equal(exitCode, 2);
    assert.equal(
      stderr,
      'mcp-auth-test: --port must be a whole number from 0 to 65535, not "eighty"\nRun mcp-auth-test --help for usage.\n',
    );
  });

  it("a program's own kind of usage mistake (isUsageError) is exit code 2 as well", async () => {
    class AccountInputError extends Error {}
    const { stderr, exitCode } = await run({
      run: async () => {
        throw new AccountInputError('the username is empty');
      },
      isUsageError: (error) => error instanceof AccountInputError,
    });
    assert.equal(exitCode, 2);
    assert.match(stderr, /--help for usage/);
  });

  it('any other failure is one line and exit code 1, with no stack trace', async () => {
    const { stderr, exitCode } = await run({
      run: async () => {
        throw failure();
      },
    });
    assert.equal(exitCode, 1);
    assert.equal(
      stderr,
      'mcp-auth-test: the data folder /srv/x is read-only (EROFS); choose another with --data-dir\n',
    );
  });

  it('a thrown value that is not an Error is still one line and exit code 1', async () => {
    const { stderr, exitCode } = await run({
      run: async () => {
        throw 'plain text';
      },
    });
    assert.equal(exitCode, 1);
    assert.equal(stderr, 'mcp-auth-test: plain text\n');
  });

  for (const argv of [['--verbose'], ['--log-level=debug'], ['--log-level', 'debug']]) {
    it(`${argv.join(' ')} adds the stack of the error and of each underlying cause`, async () => {
      const { stderr, exitCode } = await run(
        {
          run: async () => {
            throw failure();
          },
        },
        argv,
      );
      assert.equal(exitCode, 1);
      assert.match(stderr, /^mcp-auth-test: the data folder/);
      assert.match(stderr, /\n {4}at /, 'the stack');
      assert.match(stderr, /\nCaused by: Error: EROFS: read-only file system\n {4}at /, 'the cause');
    });
  }

  it('--verbose is for the ending: the program never sees it among its arguments', async () => {
    let seen: string[] = [];
    await run(
      {
        run: async (argv) => {
          seen = argv;
          return 0;
        },
      },
      ['--port=1', '--verbose', '--log-level', 'debug'],
    );
    assert.deepEqual(seen, ['--port=1', '--log-level', 'debug']);
  });
});

describe('whole-number flags', () => {
  it('a whole number within the range is taken', () => {
    assert.equal(wholeNumberFlag('--port', '0', 65535), 0);
    assert.equal(wholeNumberFlag('--port', '65535', 65535), 65535);
  });

  for (const value of ['eighty', '-1', '1.5', '1e3', ' 80', '', '65536', '99999999999999999999']) {
    it(`${JSON.stringify(value)} is a usage mistake naming the flag, the range and the value`, () => {
      assert.throws(() => wholeNumberFlag('--port', value, 65535), {
        name: 'UsageError',
        message: `--port must be a whole number from 0 to 65535, not "${value}"`,
      });
    });
  }
});

describe('parseFlags', () => {
  const FLAGS = { json: { type: 'boolean' }, user: { type: 'string' } } as const;

  it('reads flags and positionals', () => {
    const { values, positionals } = parseFlags(['revoke', 'abc', '--user=ann', '--json'], FLAGS);
    assert.deepEqual(positionals, ['revoke', 'abc']);
    assert.equal(values.user, 'ann');
    assert.equal(values.json, true);
  });

  it('an unknown --flag is a usage mistake; a value given to a switch too', () => {
    assert.throws(() => parseFlags(['revoke', '--bogus'], FLAGS), /Unknown option '--bogus'/);
    assert.throws(() => parseFlags(['--json=yes'], FLAGS), /'--json' does not take an argument/);
  });

  it('a word starting with a single "-" that is no flag of ours is an argument (ids may start with "-")', () => {
    assert.deepEqual(parseFlags(['revoke', '-mAbc', '--json'], FLAGS), {
      values: { json: true },
      positionals: ['revoke', '-mAbc'],
    });
    // Even when its letters include a switch of ours (-h): the whole word is the argument.
    const withHelp = { ...FLAGS, help: { type: 'boolean', short: 'h' } } as const;
    assert.deepEqual(parseFlags(['show', '-xh9'], withHelp), { values: {}, positionals: ['show', '-xh9'] });
    assert.deepEqual(parseFlags(['-h'], withHelp).values, { help: true });
    assert.deepEqual(parseFlags(['revoke', '--', '--json'], FLAGS).positionals, ['revoke', '--json']);
    // Ids hold any of A-Z a-z 0-9 _ - (nanoid): a '-' inside is no end of flags.
    assert.deepEqual(parseFlags(['revoke', '-a-Xy', '--json'], FLAGS), {
      values: { json: true },
      positionals: ['revoke', '-a-Xy'],
    });
    assert.deepEqual(parseFlags(['--user', '-ann'], FLAGS).values, { user: '-ann' });
  });

  it('a repeatable flag collects every value', () => {
    const many = { scope: { type: 'string', multiple: true } } as const;
    assert.deepEqual(parseFlags(['--scope', 'a', '--scope=b'], many).values, { scope: ['a', 'b'] });
  });

  it('a flag without its value is a usage mistake', () => {
    assert.throws(() => parseFlags(['--user'], FLAGS), /'--user <value>' argument missing/);
  });
});
