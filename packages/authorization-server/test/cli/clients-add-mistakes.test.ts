import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runClientsCommand } from '../../src/commands/clients-command.ts';

/**
 * `mcp-auth-as clients add` checks the metadata the way oidc-provider would, without building an
 * oidc-provider: each mistake is a usage error (exit code 2) that names the flag to change,
 * never a bare `invalid_client_metadata`.
 */
describe('mcp-auth-as clients add: metadata mistakes are usage errors naming the flag', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcp-auth-clients-add-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const io = {
    stdout: { write: () => true },
    stderr: { write: () => true },
  } as unknown as Parameters<typeof runClientsCommand>[2];
  const add = (args: string[]) =>
    runClientsCommand(['add', '--name=App', ...args, `--data-dir=${dataDir}`], {}, io);

  const mistakes: Array<[string, string[], RegExp]> = [
    ['a grant this AS does not offer', ['--grant-type=password'], /--grant-type "password" is not available/],
    ['authorization_code without a redirect URI', ['--grant-type=authorization_code'], /--redirect-uri/],
    ['a private-use scheme for a web client', ['--redirect-uri=com.example.app:/cb'], /--redirect-uri/],
    ['private_key_jwt without keys', ['--auth-method=private_key_jwt'], /--jwks-file/],
    ['a scope that is not RFC 6749 §3.3', ['--grant-type=client_credentials', '--scope=a"b'], /--scope/],
    ['a client id outside RFC 6749 Appendix A.1', ['--client-id=caf\u00e9'], /--client-id/],
  ];
  for (const [what, args, message] of mistakes) {
    it(what, async () => {
      await assert.rejects(
        add(args),
        (error: Error) => error.name === 'UsageError' && message.test(error.message),
      );
    });
  }

  it('a JWKS holding a private key is refused', async () => {
    const file = join(dataDir, 'private-jwks.json');
    await writeFile(file, JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'eA', d: 'ZA' }] }));
    await assert.rejects(
      add(['--auth-method=private_key_jwt', `--jwks-file=${file}`]),
      (error: Error) => error.name === 'UsageError' && /private key material/.test(error.message),
    );
  });

  it('a scope the server may not offer is left to the server: the CLI does not know its registry', async () => {
    assert.equal(await add(['--grant-type=client_credentials', '--scope=read']), 0);
  });
});
