/** SQL quoting for DuckDB. The only place identifiers and literals are quoted. */

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `ns.table` → `"ns"."table"`. */
export function quoteQualified(...parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB list literal of strings: ['a', 'b']. */
export function quoteList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}
