import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../../src/command-line.ts';
import { UsageError } from '../../src/connection/errors.ts';
import { clientOptionsSchema } from '../../src/options.ts';

const parse = (...argv: string[]) => parseCommandLine(argv, {});

describe('--trace on the command line', () => {
  it('--trace alone is text, --trace=json is JSON, and without it there is no trace', () => {
    assert.equal(parse('--trace', 'list').options.trace, 'text');
    assert.equal(parse('list', '--trace').options.trace, 'text');
    assert.equal(parse('--trace=json', 'list').options.trace, 'json');
    assert.equal(parse('--trace=text').options.trace, 'text');
    assert.equal(parse('list').options.trace, undefined);
    assert.deepEqual(parse('--trace', 'call', 'calculator', '{}').command, {
      kind: 'call',
      tool: 'calculator',
      argumentsJson: '{}',
    });
  });

  it('`--trace json` (a space, not "=") says to write --trace=json instead of taking json for a command', () => {
    assert.throws(
      () => parse('--trace', 'json', 'list'),
      (error) => error instanceof UsageError && /--trace=json/.test(error.message),
    );
  });

  it('an unknown form is a usage error that names both forms', () => {
    assert.throws(
      () => parse('--trace=xml', 'list'),
      (error) => error instanceof UsageError && /--trace \(text.*--trace=json/.test(error.message),
    );
  });

  it('after `--`, --trace is an argument, not the flag', () => {
    const parsed = parse('call', 'echo', '--', '--trace');
    assert.equal(parsed.options.trace, undefined);
  });
});

describe('--dpop and --no-dpop on the command line', () => {
  it('--dpop is always, --no-dpop never, neither leaves the choice to the server and the AS (auto)', () => {
    assert.equal(parse('--dpop', 'list').options.dpop, 'always');
    assert.equal(parse('--no-dpop', 'list').options.dpop, 'never');
    assert.equal(parse('list').options.dpop, undefined);
  });

  it('both at once is a usage error naming both', () => {
    assert.throws(
      () => parse('--dpop', '--no-dpop', 'list'),
      (error) => error instanceof UsageError && /--dpop or --no-dpop/.test(error.message),
    );
  });
});

describe('client options', () => {
  const base = {
    url: 'http://localhost:8001/mcp',
    transport: 'streamable-http',
    storeDir: '/tmp/store',
  } as const;

  it('MCP Client ID Metadata Documents: --client-metadata-url must be https with a path; the error names the flag', () => {
    for (const refused of [
      'http://app.example/client.json',
      'https://app.example',
      'https://app.example/',
      'not a url',
    ]) {
      const result = clientOptionsSchema.safeParse({ ...base, clientMetadataUrl: refused });
      assert.equal(result.success, false, refused);
      assert.match(
        result.error?.issues[0]?.message ?? '',
        /^--client-metadata-url must be an https URL with a path/,
      );
    }
    assert.ok(
      clientOptionsSchema.safeParse({ ...base, clientMetadataUrl: 'https://app.example/client.json' })
        .success,
    );
  });
});
