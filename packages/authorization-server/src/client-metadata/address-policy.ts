import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { embeddedIPv4, ipv6Groups } from './ipv6.ts';

/**
 * Which IP addresses an outbound fetch of a Client ID Metadata Document may reach. The client
 * chooses the URL, so without this any client could make the AS call into its own network:
 * cloud metadata services, admin ports, databases (SSRF; draft-ietf-oauth-client-id-metadata-
 * document §6.5 "Server-Side Request Forgery (SSRF) Attacks"). Only public unicast is allowed;
 * the ranges come from the IANA special-purpose address registries (RFC 6890).
 */
const FORBIDDEN_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", incl. the unspecified 0.0.0.0 (RFC 791, RFC 1122 §3.2.1.3)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT shared space (RFC 6598)
  ['169.254.0.0', 16], // link-local, incl. cloud metadata 169.254.169.254 (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890 §2.2.2)
  ['192.0.2.0', 24], // documentation TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // documentation TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved (RFC 1112 §4), incl. limited broadcast 255.255.255.255 (RFC 919)
];
const LOOPBACK_V4 = ['127.0.0.0', 8] as const; // RFC 1122 §3.2.1.3

const FORBIDDEN_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128], // unspecified (RFC 4291 §2.5.2)
  ['::ffff:0:0:0', 96], // IPv4-translated (RFC 2765 §2.1)
  ['64:ff9b:1::', 48], // local-use NAT64, translates to private space (RFC 8215)
  ['100::', 64], // discard-only (RFC 6666)
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32 (RFC 2928, RFC 4380)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // segment routing SIDs (RFC 9602)
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local (RFC 4291 §2.5.6)
  ['fec0::', 10], // site-local, deprecated (RFC 3879)
  ['ff00::', 8], // multicast (RFC 4291 §2.7)
];
const LOOPBACK_V6 = ['::1', 128] as const; // RFC 4291 §2.5.3

function blockList(allowLoopback: boolean): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of FORBIDDEN_V4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of FORBIDDEN_V6) list.addSubnet(network, prefix, 'ipv6');
  // IPv4-compatible addresses ::a.b.c.d are deprecated (RFC 4291 §2.5.5.1); refuse the whole
  // ::/96 except :: and ::1, which have their own rules above and below.
  list.addRange('::2', '::ffff:ffff', 'ipv6');
  if (!allowLoopback) {
    list.addSubnet(LOOPBACK_V4[0], LOOPBACK_V4[1], 'ipv4');
    list.addSubnet(LOOPBACK_V6[0], LOOPBACK_V6[1], 'ipv6');
  }
  return list;
}

const STRICT = blockList(false);
const LOOPBACK_ALLOWED = blockList(true);

export interface AddressPolicyOptions {
  /** Development only: let loopback (127.0.0.0/8, ::1) through; every other rule still holds. */
  readonly allowLoopback: boolean;
}

/**
 * True when `address` (an IP literal, optionally in URL brackets) is a public unicast address,
 * or loopback when that is allowed. Anything that does not parse as an IP address is refused,
 * so the check fails closed. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are
 * judged by the IPv4 address they carry, since that is where the packets end up.
 */
export function isAddressAllowed(address: string, options: AddressPolicyOptions): boolean {
  const list = options.allowLoopback ? LOOPBACK_ALLOWED : STRICT;
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return !list.check(bare, 'ipv4');
  if (!isIPv6(bare)) return false;
  const groups = ipv6Groups(bare);
  if (groups === undefined) return false;
  const v4 = embeddedIPv4(groups);
  if (v4 !== undefined) return !list.check(v4, 'ipv4');
  return !list.check(groups.map((group) => group.toString(16)).join(':'), 'ipv6');
}
