/**
 * RFC 9449 §6.1 (JWT claims) and §6.2 (introspection members): `cnf.jkt`, the thumbprint of the
 * key a token is bound to, or undefined for a token bound to none.
 */
export function confirmationThumbprint(cnf: unknown): string | undefined {
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' && jkt.length > 0 ? jkt : undefined;
}
