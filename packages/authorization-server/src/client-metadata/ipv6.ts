/**
 * IPv6 text handling for the address policy. An IPv6 address has many spellings (leading
 * zeros, `::` anywhere, a dotted IPv4 tail, upper case), and a check that matches text instead
 * of numbers can be walked around with a spelling it did not expect. So addresses are reduced
 * to their eight 16-bit groups first, and every decision is made on the numbers.
 */

/**
 * The eight 16-bit groups of an IPv6 address, or undefined when it does not parse. The WHATWG
 * URL host parser does the parsing (https://url.spec.whatwg.org/#concept-ipv6-parser): it is
 * the same parser that turned the client_id URL into a host, and its serialisation is canonical
 * (RFC 5952: lower case, no leading zeros, longest zero run as `::`, no dotted tail). Zone
 * identifiers (`fe80::1%eth0`) are not accepted, which refuses them.
 */
export function ipv6Groups(address: string): number[] | undefined {
  // Only address characters, so nothing can close the brackets and smuggle in a URL.
  if (!/^[0-9a-f:.]+$/i.test(address)) return undefined;
  const parsed = URL.parse(`https://[${address}]/`);
  if (parsed === null) return undefined;
  const canonical = parsed.hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(zeros).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

function dotted(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function startsWith(groups: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((value, index) => groups[index] === value);
}

const IPV4_MAPPED = [0, 0, 0, 0, 0, 0xffff]; // ::ffff:0:0/96 (RFC 4291 §2.5.5.2)
const NAT64_WELL_KNOWN = [0x64, 0xff9b, 0, 0, 0, 0]; // 64:ff9b::/96 (RFC 6052 §2.1)
const SIX_TO_FOUR = 0x2002; // 2002::/16, IPv4 address in bits 16-47 (RFC 3056 §2)

/**
 * The IPv4 address that packets to this IPv6 address are delivered to, for the forms that embed
 * one: IPv4-mapped (the socket layer connects over IPv4), the well-known NAT64 prefix (a
 * translator forwards to the IPv4 address), and 6to4 (tunnelled to the IPv4 address).
 */
export function embeddedIPv4(groups: readonly number[]): string | undefined {
  const [, g1 = 0, g2 = 0, , , , g6 = 0, g7 = 0] = groups;
  if (startsWith(groups, IPV4_MAPPED) || startsWith(groups, NAT64_WELL_KNOWN)) return dotted(g6, g7);
  if (groups[0] === SIX_TO_FOUR) return dotted(g1, g2);
  return undefined;
}
