import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses an outbound fetch of a Client ID Metadata Document may reach. The client
 * chooses the URL, so without this any client could make the AS call its own network: cloud
 * metadata services, admin ports, databases (SSRF; CIMD draft §6 "Server-Side Request Forgery",
 * MCP security considerations). Only public unicast addresses are allowed.
 */
const FORBIDDEN_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network" (RFC 791)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254 (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // documentation (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation (RFC 5737)
  ['203.0.113.0', 24], // documentation (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved and broadcast (RFC 1112)
];
const LOOPBACK_V4: [string, number] = ['127.0.0.0', 8];

const FORBIDDEN_V6: Array<[string, number]> = [
  ['::', 128], // unspecified
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard-only (RFC 6666)
  ['2001::', 23], // IETF protocol assignments (RFC 2928)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local (RFC 4291)
  ['fec0::', 10], // site-local, deprecated (RFC 3879)
  ['ff00::', 8], // multicast (RFC 4291)
];
const LOOPBACK_V6: [string, number] = ['::1', 128];

function blockList(loopbackAllowed: boolean): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of FORBIDDEN_V4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of FORBIDDEN_V6) list.addSubnet(network, prefix, 'ipv6');
  if (!loopbackAllowed) {
    list.addSubnet(LOOPBACK_V4[0], LOOPBACK_V4[1], 'ipv4');
    list.addSubnet(LOOPBACK_V6[0], LOOPBACK_V6[1], 'ipv6');
  }
  return list;
}

const STRICT = blockList(false);
const LOOPBACK_ALLOWED = blockList(true);

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::/96). */
function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] ?? '0', 16);
  const low = Number.parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isAddressAllowed(address: string, options: { allowLoopback: boolean }): boolean {
  const list = options.allowLoopback ? LOOPBACK_ALLOWED : STRICT;
  const unbracketed = address.replace(/^\[|\]$/g, '');
  if (isIPv4(unbracketed)) return !list.check(unbracketed, 'ipv4');
  if (!isIPv6(unbracketed)) return false;
  const v4 = embeddedIPv4(unbracketed);
  if (v4 !== undefined) return isIPv4(v4) && !list.check(v4, 'ipv4');
  return !list.check(unbracketed, 'ipv6');
}
