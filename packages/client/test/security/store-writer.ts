import { CredentialStore } from '../../src/store/credential-store.ts';

/** A second process for the concurrent-writers test of credential-files.test.ts: writes one record many times. */
const [dir = '', writer = '', count = '100'] = process.argv.slice(2);
const store = new CredentialStore(dir);
const path = store.tokensPath('https://as.example', 'https://rs.example/mcp');
for (let index = 0; index < Number(count); index++) {
  await store.write(path, { writer, index, padding: 'x'.repeat(10_000) });
}
