import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddedIPv4, ipv6Groups } from '../../src/client-metadata/ipv6.ts';

describe('IPv6 parsing for the address policy', () => {
  it('reduces every spelling of an address to the same eight groups', () => {
    const loopback = [0, 0, 0, 0, 0, 0, 0, 1];
    for (const spelling of ['::1', '0:0:0:0:0:0:0:1', '0000::0001', '::0.0.0.1']) {
      assert.deepEqual(ipv6Groups(spelling), loopback, spelling);
    }
    assert.deepEqual(ipv6Groups('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(ipv6Groups('FE80::'), [0xfe80, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(ipv6Groups('1::8'), [1, 0, 0, 0, 0, 0, 0, 8]);
    assert.deepEqual(ipv6Groups('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  });

  it('does not parse what is not an IPv6 address', () => {
    for (const text of ['', '1.2.3.4', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '::g', '1::]:443/x[']) {
      assert.equal(ipv6Groups(text), undefined, text);
    }
  });

  it('finds the IPv4 address inside mapped, NAT64 and 6to4 forms only', () => {
    const groups = (text: string) => ipv6Groups(text) ?? assert.fail(text);
    assert.equal(embeddedIPv4(groups('::ffff:7f00:1')), '127.0.0.1');
    assert.equal(embeddedIPv4(groups('64:ff9b::a9fe:a9fe')), '169.254.169.254');
    assert.equal(embeddedIPv4(groups('2002:c000:201::1')), '192.0.2.1');
    assert.equal(embeddedIPv4(groups('2606:4700::1')), undefined);
    assert.equal(embeddedIPv4(groups('64:ff9b:1::a00:1')), undefined);
  });
});
