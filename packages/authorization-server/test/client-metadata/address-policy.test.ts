import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAddressAllowed } from '../../src/client-metadata/address-policy.ts';

type Case = readonly [address: string, allowed: boolean, why: string];

/** Each forbidden range with the addresses at and just past its edges. */
const IPV4: Case[] = [
  ['8.8.8.8', true, 'public'],
  ['1.1.1.1', true, 'public'],
  ['0.0.0.0', false, 'unspecified'],
  ['0.255.255.255', false, '"this network" 0/8, top'],
  ['1.0.0.0', true, 'just above 0/8'],
  ['9.255.255.255', true, 'just below 10/8'],
  ['10.0.0.0', false, 'private 10/8, bottom'],
  ['10.0.0.5', false, 'private 10/8'],
  ['10.255.255.255', false, 'private 10/8, top'],
  ['11.0.0.0', true, 'just above 10/8'],
  ['100.63.255.255', true, 'just below CGNAT'],
  ['100.64.0.0', false, 'CGNAT 100.64/10, bottom'],
  ['100.64.0.1', false, 'CGNAT 100.64/10'],
  ['100.127.255.255', false, 'CGNAT 100.64/10, top'],
  ['100.128.0.0', true, 'just above CGNAT'],
  ['126.255.255.255', true, 'just below loopback'],
  ['127.0.0.1', false, 'loopback'],
  ['127.8.9.10', false, 'loopback is all of 127/8'],
  ['128.0.0.0', true, 'just above loopback'],
  ['169.253.255.255', true, 'just below link-local'],
  ['169.254.0.0', false, 'link-local, bottom'],
  ['169.254.169.254', false, 'link-local: cloud metadata service'],
  ['169.255.0.0', true, 'just above link-local'],
  ['172.15.255.255', true, 'just below 172.16/12'],
  ['172.16.0.0', false, 'private 172.16/12, bottom'],
  ['172.31.255.255', false, 'private 172.16/12, top'],
  ['172.32.0.0', true, 'just above 172.16/12'],
  ['192.0.0.8', false, 'IETF protocol assignments'],
  ['192.0.2.1', false, 'documentation TEST-NET-1'],
  ['192.88.99.1', false, '6to4 relay anycast'],
  ['192.167.255.255', true, 'just below 192.168/16'],
  ['192.168.0.0', false, 'private 192.168/16, bottom'],
  ['192.168.255.255', false, 'private 192.168/16, top'],
  ['192.169.0.0', true, 'just above 192.168/16'],
  ['198.18.0.1', false, 'benchmarking'],
  ['198.51.100.7', false, 'documentation TEST-NET-2'],
  ['203.0.113.9', false, 'documentation TEST-NET-3'],
  ['223.255.255.255', true, 'just below multicast'],
  ['224.0.0.1', false, 'multicast'],
  ['239.255.255.255', false, 'multicast, top'],
  ['240.0.0.1', false, 'reserved 240/4'],
  ['255.255.255.255', false, 'limited broadcast'],
];

const IPV6: Case[] = [
  ['2606:4700::1', true, 'public'],
  ['2a00:1450:4001:81b::200e', true, 'public'],
  ['::', false, 'unspecified'],
  ['::1', false, 'loopback'],
  ['0:0:0:0:0:0:0:1', false, 'loopback, spelled out'],
  ['::2', false, 'IPv4-compatible, deprecated'],
  ['::8.8.8.8', false, 'IPv4-compatible, deprecated, even of a public address'],
  ['fc00::1', false, 'unique local, bottom half'],
  ['fd00::1', false, 'unique local'],
  ['fe80::1', false, 'link-local'],
  ['febf:ffff::1', false, 'link-local, top'],
  ['fec0::1', false, 'site-local, deprecated'],
  ['ff02::1', false, 'multicast'],
  ['100::1', false, 'discard-only'],
  ['2001:db8::1', false, 'documentation'],
  ['3fff::1', false, 'documentation (RFC 9637)'],
  ['2001::1', false, 'Teredo'],
  ['64:ff9b:1::1', false, 'local-use NAT64'],
  ['fe80::1%eth0', false, 'zone identifiers are refused'],
];

/** IPv6 forms that carry an IPv4 address are judged by that address. */
const EMBEDDED: Case[] = [
  ['::ffff:127.0.0.1', false, 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', false, 'IPv4-mapped loopback, hex form'],
  ['::FFFF:7F00:0001', false, 'IPv4-mapped loopback, upper case and leading zeros'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', false, 'IPv4-mapped metadata service, spelled out'],
  ['::ffff:10.1.2.3', false, 'IPv4-mapped private'],
  ['::ffff:8.8.8.8', true, 'IPv4-mapped public'],
  ['::ffff:0:7f00:1', false, 'IPv4-translated'],
  ['64:ff9b::a9fe:a9fe', false, 'NAT64 of 169.254.169.254'],
  ['64:ff9b::10.0.0.1', false, 'NAT64 of 10.0.0.1, dotted'],
  ['0064:ff9b:0000::7f00:0001', false, 'NAT64 of loopback, leading zeros'],
  ['64:ff9b::', false, 'NAT64 of 0.0.0.0'],
  ['64:ff9b::808:808', true, 'NAT64 of 8.8.8.8'],
  ['2002:a00:1::1', false, '6to4 of 10.0.0.1'],
  ['2002:808:808::1', true, '6to4 of 8.8.8.8'],
];

const NOT_ADDRESSES: Case[] = [
  ['not-an-ip', false, 'a name'],
  ['', false, 'empty'],
  ['010.0.0.1', false, 'leading zeros (octal on some stacks)'],
  ['127.1', false, 'shorthand'],
  ['1.2.3.4.5', false, 'too many parts'],
];

function table(title: string, cases: Case[]) {
  describe(title, () => {
    for (const [address, allowed, why] of cases) {
      it(`${address || '(empty)'} is ${allowed ? 'allowed' : 'refused'}: ${why}`, () => {
        assert.equal(isAddressAllowed(address, { allowLoopback: false }), allowed);
      });
    }
  });
}

describe('address policy for Client ID Metadata Document fetches (SSRF)', () => {
  table('IPv4', IPV4);
  table('IPv6', IPV6);
  table('IPv6 carrying IPv4', EMBEDDED);
  table('not addresses', NOT_ADDRESSES);

  it('accepts URL-style brackets around IPv6', () => {
    assert.equal(isAddressAllowed('[2606:4700::1]', { allowLoopback: false }), true);
    assert.equal(isAddressAllowed('[::1]', { allowLoopback: false }), false);
  });

  it('the development flag lets loopback through and nothing else', () => {
    for (const address of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '64:ff9b::7f00:1']) {
      assert.equal(isAddressAllowed(address, { allowLoopback: true }), true, address);
    }
    for (const address of ['10.0.0.1', '169.254.169.254', 'fd00::1', 'fe80::1', '0.0.0.0', '::', '::2']) {
      assert.equal(isAddressAllowed(address, { allowLoopback: true }), false, address);
    }
  });
});
