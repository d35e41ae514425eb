import { type Engine, quoteFilePath, quoteIdent, quoteLiteral } from '../core/index.js';
import type { Compression } from './file-format.js';
import { doubleColumn } from './file-json-numbers.js';
import { compressionArg } from './file-lines.js';

/**
 * Of the columns DuckDB sniffed as DOUBLE, those whose sampled values a double would change: an
 * integer with more digits than a double holds exactly (a 20-digit id) or a number past its range
 * (1e400). DuckDB picks DOUBLE for them, which would round the id and make 1e400 Infinity; such a
 * column is read as text instead, and the warning names a value. Same checks as JSON's numbers.
 */
export async function inexactDoubleColumns(
  engine: Engine,
  path: string,
  compression: Compression,
  dialect: { delimiter: string; header: boolean; names: string[]; types: string[]; nulls?: string[] },
  sampleSize: number | undefined,
): Promise<{ index: number; value: string }[]> {
  const doubles = dialect.types.flatMap((t, i) => (t === 'DOUBLE' ? [i] : []));
  if (doubles.length === 0) return [];
  const columns = dialect.names.map((_, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  const picks = doubles.map((i) => {
    const text = quoteIdent(`c${i}`);
    const when = doubleColumn(dialect.names[i] ?? '', text).checks.map((c) => c.when).join(' OR ');
    return `any_value(${text}) FILTER (WHERE ${when}) AS ${quoteIdent(`v${i}`)}`;
  });
  const limit = Math.trunc(sampleSize ?? 20480);
  const rows = await engine.all<Record<string, string | null>>(
    `SELECT ${picks.join(', ')} FROM (SELECT * FROM read_csv(${quoteFilePath(path)}, columns = {${columns}},
      header = ${dialect.header}, auto_detect = false, hive_partitioning = false, delim = ${quoteLiteral(dialect.delimiter)}, quote = '"', escape = '"',
      strict_mode = false, null_padding = true, ignore_errors = true, compression = ${compressionArg(compression)}${nullstr(dialect.nulls)}) LIMIT ${limit})`,
  );
  const row = rows[0] ?? {};
  return doubles.flatMap((i) => {
    const value = row[`v${i}`];
    return typeof value === 'string' ? [{ index: i, value }] : [];
  });
}

/** read_csv's `nullstr` argument for given null tokens ('' when none: DuckDB's default). */
export function nullstr(nulls: readonly string[] | undefined): string {
  return nulls?.length ? `, nullstr = [${nulls.map(quoteLiteral).join(', ')}]` : '';
}
