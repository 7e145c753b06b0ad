import { createHash } from 'node:crypto';

/** A statement `pg` prepares once per connection and then only binds and executes. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * The statements of one store as named (prepared) statements. Unnamed ones, `pg`'s default, are
 * parsed and planned by the server on every call (PostgreSQL "Extended Query" protocol: the
 * unnamed statement lasts until the next Parse); a named one is parsed once per pooled
 * connection, then each call only binds and executes it, which takes work off the database's
 * CPU on every token request. A name is per connection and must always mean the same text, so it
 * carries a hash of the text (which holds the schema): two backends in one process never clash.
 */
export function namedStatements<Key extends string>(
  prefix: string,
  texts: Readonly<Record<Key, string>>,
): Readonly<Record<Key, NamedStatement>> {
  const named = {} as Record<Key, NamedStatement>;
  for (const [key, text] of Object.entries(texts) as Array<[Key, string]>) {
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
    named[key] = { name: `mcp_auth_${prefix}_${key}_${digest}`, text };
  }
  return named;
}
