import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResourceServerArgs } from '../../src/cli/parse-args.ts';
import { resourceServerOptionsSchema } from '../../src/options.ts';

describe('where the resource server listens', () => {
  it('MCP Streamable HTTP Security Warning: started without --host it binds 127.0.0.1 only; --host changes it', () => {
    const listenHost = (argv: string[]) =>
      resourceServerOptionsSchema.parse(parseResourceServerArgs(argv, {}).options).host;
    assert.equal(listenHost([]), '127.0.0.1');
    assert.equal(listenHost(['--port', '0']), '127.0.0.1');
    assert.equal(listenHost(['--host', '0.0.0.0']), '0.0.0.0');
  });
});
