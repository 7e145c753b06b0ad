import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemChromium } from '../../src/chromium/chromium.ts';
import { findNginx } from '../../src/nginx/find-nginx.ts';
import { redactPassword } from '../../src/postgres/test-database.ts';
import { commandAs, unprivilegedAccount } from '../../src/postgres/unprivileged-account.ts';

describe('finding the tools the tests need', () => {
  let dir: string;
  let bin: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-auth-find-tools-'));
    bin = join(dir, 'bin');
    await import('node:fs/promises').then(({ mkdir }) => mkdir(bin));
    for (const name of ['chromium', 'nginx']) {
      await writeFile(join(bin, name), '#!/bin/sh\n');
      await chmod(join(bin, name), 0o755);
    }
    await writeFile(join(dir, 'not-executable'), '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('CHROMIUM_PATH wins; one that is not an executable is an error, not a silent fallback', () => {
    assert.equal(systemChromium({ CHROMIUM_PATH: join(bin, 'chromium'), PATH: '' }), join(bin, 'chromium'));
    assert.throws(
      () => systemChromium({ CHROMIUM_PATH: join(dir, 'not-executable') }),
      /CHROMIUM_PATH=.*not-executable is not an executable file; fix or unset it/,
    );
  });

  it('/usr/bin/chromium first, then chromium on PATH; none found is undefined', () => {
    assert.equal(systemChromium({ PATH: bin }, join(bin, 'chromium')), join(bin, 'chromium'));
    assert.equal(systemChromium({ PATH: bin }, join(dir, 'none')), join(bin, 'chromium'));
    assert.equal(systemChromium({ PATH: join(dir, 'empty') }, join(dir, 'none')), undefined);
  });

  it('NGINX_PATH wins, then nginx on PATH, then /usr/sbin/nginx; a wrong NGINX_PATH is an error', () => {
    assert.deepEqual(findNginx({ NGINX_PATH: join(bin, 'nginx') }), { found: join(bin, 'nginx') });
    assert.deepEqual(findNginx({ PATH: bin }, join(dir, 'none')), { found: join(bin, 'nginx') });
    assert.deepEqual(findNginx({ PATH: join(dir, 'empty') }, join(bin, 'nginx')), {
      found: join(bin, 'nginx'),
    });
    assert.throws(
      () => findNginx({ NGINX_PATH: join(dir, 'not-executable') }),
      /NGINX_PATH=.* fix or unset it/,
    );
  });

  it('no nginx gives the one-line reason to skip, naming how to get it', () => {
    const found = findNginx({ PATH: join(dir, 'empty') }, join(dir, 'none'));
    assert.match(
      found.missing ?? '',
      /^nginx not found: install it \(apt-get install nginx\) or set NGINX_PATH/,
    );
    assert.doesNotMatch(found.missing ?? '', /\n/);
  });

  it('as root, PostgreSQL runs as "nobody", read from the passwd file; none there is a clear error', async () => {
    const passwd = join(dir, 'passwd');
    await writeFile(
      passwd,
      'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    );
    assert.deepEqual(await unprivilegedAccount(passwd), { name: 'nobody', uid: 65534, gid: 65534 });
    await writeFile(passwd, 'root:x:0:0:root:/root:/bin/bash\n');
    await assert.rejects(unprivilegedAccount(passwd), /needs the account "nobody"/);
  });

  it('initdb alone may search any folder (setpriv: no new privileges, one capability); the server never', async () => {
    await writeFile(join(bin, 'setpriv'), '#!/bin/sh\n');
    await chmod(join(bin, 'setpriv'), 0o755);
    const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
    const initdb = commandAs(nobody, '/pg/bin/initdb', ['-D', '/data'], {
      searchAnyFolder: true,
      env: { PATH: bin },
    });
    assert.equal(initdb.command, join(bin, 'setpriv'));
    assert.deepEqual(initdb.args, [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--no-new-privs',
      '--bounding-set=-all,+dac_read_search',
      '--inh-caps=-all,+dac_read_search',
      '--ambient-caps=-all,+dac_read_search',
      '--',
      '/pg/bin/initdb',
      '-D',
      '/data',
    ]);
    assert.equal(initdb.uid, undefined, 'setpriv starts as root and switches itself');
    assert.deepEqual(
      commandAs(nobody, '/pg/bin/postgres', ['-D', '/data'], { searchAnyFolder: false, env: { PATH: bin } }),
      {
        command: '/pg/bin/postgres',
        args: ['-D', '/data'],
        uid: 65534,
        gid: 65534,
      },
    );
    assert.deepEqual(
      commandAs(nobody, '/pg/bin/initdb', [], { searchAnyFolder: true, env: { PATH: join(dir, 'empty') } }),
      { command: '/pg/bin/initdb', args: [], uid: 65534, gid: 65534 },
      'no setpriv: a plain switch of user',
    );
  });

  it('connection strings in messages never show the password', () => {
    assert.equal(
      redactPassword('postgres://postgres:s3cret@127.0.0.1:5432/test'),
      'postgres://postgres:***@127.0.0.1:5432/test',
    );
    assert.equal(
      redactPassword('postgres://postgres@127.0.0.1:5432/test'),
      'postgres://postgres@127.0.0.1:5432/test',
    );
  });
});
