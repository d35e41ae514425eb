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

/**
 * A string literal naming exactly one file for DuckDB's readers (read_csv, read_parquet, …), which
 * take `*`, `?` and `[` in a path as a glob: each is wrapped in brackets so it matches only itself,
 * and `g*.csv` never reads `g1.csv` along with it.
 */
export function quoteFilePath(path: string): string {
  return quoteLiteral(path.replace(/[*?[]/g, (ch) => `[${ch}]`));
}
