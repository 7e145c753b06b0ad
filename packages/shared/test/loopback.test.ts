import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHostname, LOOPBACK_HOST_NAMES } from '../src/loopback.ts';

describe('loopback host names (RFC 8252 §7.3)', () => {
  it('the names this machine goes by in URLs are localhost, 127.0.0.1 and [::1]', () => {
    assert.deepEqual([...LOOPBACK_HOST_NAMES], ['localhost', '127.0.0.1', '[::1]']);
  });

  it('they are spelled as URL.hostname spells them, IPv6 in brackets, so a parsed URL can be looked up', () => {
    for (const url of ['http://localhost:1/cb', 'http://127.0.0.1:1/cb', 'http://[::1]:1/cb']) {
      assert.ok(LOOPBACK_HOST_NAMES.has(new URL(url).hostname), url);
    }
  });

  it('every one of them is loopback', () => {
    for (const name of LOOPBACK_HOST_NAMES) assert.equal(isLoopbackHostname(name), true, name);
  });

  for (const hostname of ['127.0.0.2', '127.255.255.254', '::1']) {
    it(`${hostname} is loopback too (all of 127.0.0.0/8, and ::1 without brackets), though not a name clients use`, () => {
      assert.equal(isLoopbackHostname(hostname), true);
      assert.equal(LOOPBACK_HOST_NAMES.has(hostname), false);
    });
  }

  for (const hostname of [
    'localhost.evil.example',
    'evil-localhost',
    '127.0.0.1.nip.io',
    '128.0.0.1',
    '10.0.0.1',
    '0.0.0.0',
    '[::2]',
    '',
  ]) {
    it(`${JSON.stringify(hostname)} is not loopback: a name that only looks like it reaches another machine`, () => {
      assert.equal(isLoopbackHostname(hostname), false);
    });
  }
});
