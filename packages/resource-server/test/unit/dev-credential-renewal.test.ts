import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@mcp-auth/shared';
import { renewDevCredentialsOnRefusal } from '../../src/auth/dev-credential-renewal.ts';

const ISSUER = 'http://localhost:9000';

describe('renewDevCredentialsOnRefusal (RFC 7662 §2.1 credentials of a local AS)', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-rs-renew-'));
    file = join(dir, 'dev-introspection-client.json');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const write = (secret: string) =>
    writeFile(file, JSON.stringify({ client_id: 'dev', client_secret: secret, issuer: ISSUER }));

  it('reads the file at most once per 5 s, says when it still holds the refused one, and hands out a new one', async () => {
    await write('old');
    const lines: string[] = [];
    let clock = 0;
    const renew = renewDevCredentialsOnRefusal({
      devCredentialsFile: file,
      authServer: ISSUER,
      current: { clientId: 'dev', clientSecret: 'old' },
      logger: createLogger({ write: (line) => lines.push(JSON.parse(line).msg) }),
      now: () => clock,
    });
    assert.equal(await renew(), undefined, 'the same credential: nothing to retry with');
    assert.match(lines.at(-1) ?? '', /still holds the same one.*Restart mcp-auth-as/);
    await write('new');
    clock += 4999;
    assert.equal(await renew(), undefined, 'within 5 s of the last reading: not read');
    assert.equal(lines.length, 1);
    clock += 1;
    assert.deepEqual(await renew(), { clientId: 'dev', clientSecret: 'new' });
    assert.match(lines.at(-1) ?? '', /read .* again and using the new one/);
    await rm(file);
    clock += 5000;
    assert.equal(await renew(), undefined);
    assert.match(lines.at(-1) ?? '', /reading .* again failed: no introspection credentials/);
  });
});
