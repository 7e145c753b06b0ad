/**
 * The names this machine goes by in URLs, spelled as `URL.hostname` spells them (IPv6 in
 * brackets): the loopback redirect URIs of RFC 8252 §7.3 and the Host names a loopback server
 * answers to. Exact names: `127.0.0.2` or `localhost.` are loopback too, but no client writes
 * them, so a rule that matches names (a redirect URI on any port, a Host allow-list) uses these.
 */
export const LOOPBACK_HOST_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** RFC 1122 §3.2.1.3: all of 127.0.0.0/8 is loopback. */
const IPV4_LOOPBACK = /^127(?:\.\d{1,3}){3}$/;

/**
 * Whether a host name reaches only this machine (RFC 8252 §7.3: localhost, 127.0.0.0/8, ::1),
 * written with or without IPv6 brackets: for decisions about where traffic can go, such as
 * allowing plain http to an issuer on this machine.
 */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOST_NAMES.has(hostname) || hostname === '::1' || IPV4_LOOPBACK.test(hostname);
}
