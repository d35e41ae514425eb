/** SQL quoting for DuckDB. The only place identifiers and literals are quoted. */

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `ns.table` → `"ns"."table"`. */
export function quoteQualified(...parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

/** A string constant; a NUL, which DuckDB cannot read inside quotes, is spliced in as `chr(0)`. */
export function quoteLiteral(value: string): string {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes('\0') ? `(${quoted.replaceAll('\0', "' || chr(0) || '")})` : quoted;
}

/** A DuckDB list literal of strings: ['a', 'b']. */
export function quoteList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}
