/**
 * Identifier quoting for SQL compiled at boot from the catalogue. Identifiers only ever come
 * from the catalogue (validated against the live schema), never from a request; quoting still
 * doubles embedded quotes so a hostile name cannot break out.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** schema.table, each part quoted. */
export function quoteQualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
