import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '@mcp-auth/shared';
import { parseServeArgs } from '../../src/commands/serve-arguments.ts';
import { authorizationServerOptionsSchema } from '../../src/options.ts';
import { tokenConfiguration } from '../../src/provider/token-configuration.ts';
import { ResourceRegistry, resourceRegistrySchema } from '../../src/resource-registry.ts';

const DAY = 24 * 3600;

describe('token lifetimes (--access-token-ttl, --refresh-token-ttl, --code-ttl, the config file)', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mcp-auth-lifetimes-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('flags set the lifetimes; the config file sets them too, and a flag wins over it', async () => {
    const config = join(folder, 'lifetimes.json');
    await writeFile(
      config,
      JSON.stringify({ accessTokenTtlSeconds: 20, refreshTokenTtlSeconds: 99, codeTtlSeconds: 30 }),
    );
    const fromFile = parseServeArgs([`--config=${config}`, '--data-dir=/x'], {}).options;
    assert.deepEqual(fromFile.tokenLifetimes, {
      accessTokenSeconds: 20,
      refreshTokenSeconds: 99,
      codeSeconds: 30,
    });
    assert.equal(fromFile.resources, undefined, 'a config file without "resources" keeps the demo registry');
    const flags = parseServeArgs(
      [`--config=${config}`, '--access-token-ttl=10', '--code-ttl=5', '--data-dir=/x'],
      {},
    );
    assert.deepEqual(flags.options.tokenLifetimes, {
      accessTokenSeconds: 10,
      refreshTokenSeconds: 99,
      codeSeconds: 5,
    });
  });

  it('a bad lifetime is a usage error naming the flag or the key', async () => {
    for (const flag of ['--access-token-ttl=0', '--refresh-token-ttl=ten', '--code-ttl=-1']) {
      assert.throws(
        () => parseServeArgs([flag], {}),
        (error: Error) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, new RegExp(`^${flag.split('=')[0]} must be a number of seconds`));
          return true;
        },
      );
    }
    const config = join(folder, 'bad.json');
    await writeFile(config, JSON.stringify({ codeTtlSeconds: 'soon' }));
    assert.throws(() => parseServeArgs([`--config=${config}`], {}), /codeTtlSeconds must be a whole number/);
    // OAuth 2.1 §4.1.2: codes live at most 10 minutes; access tokens at most a day.
    const tooLong = authorizationServerOptionsSchema.safeParse({
      dataDir: '/x',
      tokenLifetimes: { codeSeconds: 601 },
    });
    assert.equal(tooLong.success, false);
  });

  it('--access-token-ttl applies to resources that set no lifetime of their own', () => {
    const resources = resourceRegistrySchema.parse([
      { uri: 'https://a.example/mcp', name: 'A', scopes: [{ name: 's', description: 'd' }] },
      {
        uri: 'https://b.example/mcp',
        name: 'B',
        scopes: [{ name: 's', description: 'd' }],
        tokenFormat: 'jwt',
      },
      {
        uri: 'https://c.example/mcp',
        name: 'C',
        scopes: [{ name: 's', description: 'd' }],
        accessTokenTtlSeconds: 77,
      },
    ]);
    const defaults = new ResourceRegistry(resources);
    assert.deepEqual(
      defaults.all.map((resource) => resource.accessTokenTtlSeconds),
      [3600, 300, 77],
    );
    const short = new ResourceRegistry(resources, { accessTokenTtlSeconds: 10 });
    assert.deepEqual(
      short.all.map((resource) => resource.accessTokenTtlSeconds),
      [10, 10, 77],
    );
    assert.equal(short.longestJwtAccessTokenTtlSeconds, 10);
  });

  it('refresh tokens and codes live as configured; the grant outlives its refresh tokens', () => {
    const resolution = { defaultResource: async () => '', getResourceServerInfo: async () => ({}) };
    const ledger = {} as never;
    const ttlOf = (lifetimes?: { refreshTokenSeconds?: number; codeSeconds: number }) => {
      const ttl = tokenConfiguration(resolution, ledger, lifetimes).ttl as Record<string, unknown>;
      const refresh = ttl.RefreshToken as (ctx: unknown, token: unknown, client: unknown) => number;
      return {
        code: ttl.AuthorizationCode,
        grant: ttl.Grant,
        publicRefresh: refresh(undefined, undefined, { clientAuthMethod: 'none' }),
        confidentialRefresh: refresh(undefined, undefined, { clientAuthMethod: 'client_secret_basic' }),
      };
    };
    assert.deepEqual(ttlOf(), {
      code: 60,
      grant: 90 * DAY,
      publicRefresh: 30 * DAY,
      confidentialRefresh: 90 * DAY,
    });
    assert.deepEqual(ttlOf({ refreshTokenSeconds: 120, codeSeconds: 30 }), {
      code: 30,
      grant: 90 * DAY,
      publicRefresh: 120,
      confidentialRefresh: 120,
    });
    assert.equal(ttlOf({ refreshTokenSeconds: 200 * DAY, codeSeconds: 60 }).grant, 200 * DAY);
  });
});
