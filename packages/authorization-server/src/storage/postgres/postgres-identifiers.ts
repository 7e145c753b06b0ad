/**
 * The only values spliced into SQL text are identifiers (the configured schema and our own
 * table names); everything else travels as a bound parameter.
 */

/**
 * `"name"` with embedded quotes doubled. PostgreSQL silently truncates identifiers longer than
 * 63 bytes, which would make the schema we create differ from the one we look up: refused.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0') || Buffer.byteLength(name, 'utf8') > 63) {
    throw new Error(`invalid PostgreSQL identifier ${JSON.stringify(name)}: 1 to 63 bytes, no NUL`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `table` → `"schema"."table"`. */
export function qualifier(schema: string): (table: string) => string {
  const quotedSchema = quoteIdentifier(schema);
  return (table) => `${quotedSchema}.${quoteIdentifier(table)}`;
}
