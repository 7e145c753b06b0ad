import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAddressAllowed } from '../../src/client-metadata/address-policy.ts';

describe('address policy for Client ID Metadata Document fetches (SSRF)', () => {
  const cases: Array<[string, boolean, string]> = [
    ['8.8.8.8', true, 'public IPv4'],
    ['2606:4700::1', true, 'public IPv6'],
    ['10.0.0.5', false, 'RFC 1918'],
    ['172.15.255.255', true, 'just below 172.16/12'],
    ['172.16.0.0', false, 'RFC 1918'],
    ['172.31.255.255', false, 'RFC 1918'],
    ['172.32.0.0', true, 'just above 172.16/12'],
    ['192.168.1.1', false, 'RFC 1918'],
    ['100.63.255.255', true, 'just below CGNAT'],
    ['100.64.0.1', false, 'CGNAT RFC 6598'],
    ['169.254.169.254', false, 'link-local: cloud metadata'],
    ['127.0.0.1', false, 'loopback'],
    ['127.8.9.10', false, 'loopback /8'],
    ['0.0.0.0', false, 'unspecified'],
    ['224.0.0.1', false, 'multicast'],
    ['255.255.255.255', false, 'broadcast'],
    ['192.0.2.1', false, 'documentation'],
    ['::1', false, 'IPv6 loopback'],
    ['::', false, 'IPv6 unspecified'],
    ['fd00::1', false, 'unique local'],
    ['fe80::1', false, 'IPv6 link-local'],
    ['ff02::1', false, 'IPv6 multicast'],
    ['::ffff:127.0.0.1', false, 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', false, 'IPv4-mapped loopback, hex form'],
    ['::ffff:10.1.2.3', false, 'IPv4-mapped private'],
    ['::ffff:8.8.8.8', true, 'IPv4-mapped public'],
    ['64:ff9b::a9fe:a9fe', false, 'NAT64 of 169.254.169.254'],
    ['64:ff9b::808:808', true, 'NAT64 of 8.8.8.8'],
    ['2001:db8::1', false, 'documentation'],
    ['not-an-ip', false, 'not an address at all'],
  ];
  for (const [address, allowed, why] of cases) {
    it(`${address} → ${allowed ? 'allowed' : 'refused'} (${why})`, () => {
      assert.equal(isAddressAllowed(address, { allowLoopback: false }), allowed);
    });
  }

  it('the development flag allows loopback only, nothing else private', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      assert.equal(isAddressAllowed(address, { allowLoopback: true }), true, address);
    }
    for (const address of ['10.0.0.1', '169.254.169.254', 'fd00::1', '0.0.0.0']) {
      assert.equal(isAddressAllowed(address, { allowLoopback: true }), false, address);
    }
  });
});
