import { type Engine, quoteFilePath, quoteIdent, quoteLiteral } from '../core/index.js';
import { nullstr } from './file-csv-numbers.js';
import type { Compression } from './file-format.js';
import { compressionArg } from './file-lines.js';
import type { ReadOptions } from './file-types.js';

export type TextKind = 'date' | 'timestamp' | 'number';
type Kind = TextKind;
const KINDS: { kind: Kind; one: string; plural: string; type: string }[] = [
  { kind: 'date', one: 'a date', plural: 'dates', type: 'date' },
  { kind: 'timestamp', one: 'a timestamp', plural: 'timestamps', type: 'timestamp' },
  { kind: 'number', one: 'a number', plural: 'numbers', type: 'double' },
];

/** Why values are text, not a `kind`: "3 values such as `TBD`, `-` are not timestamps" (load and silver say it alike). */
export function notOfKind(kind: TextKind, count: number, samples: readonly string[]): string {
  const k = KINDS.find((x) => x.kind === kind)!;
  const such = samples.map((v) => `\`${v}\``).join(', ');
  return `${count} value${count === 1 ? '' : 's'} such as ${such} ${count === 1 ? `is not ${k.one}` : `are not ${k.plural}`}`;
}

/**
 * Why a CSV column the sniffer left as text was not typed, when most of its sampled values are
 * dates, timestamps or numbers: how many are not, a few of them, and the first one's line, with
 * the load options that would type it. A column the user typed is not looked at.
 */
export async function textColumnHints(
  engine: Engine,
  path: string,
  compression: Compression,
  d: { delimiter: string; header: boolean; names: string[]; types: string[]; nulls: string[]; dateFormat: string | null; timestampFormat: string | null },
  opts: Pick<ReadOptions, 'types' | 'sampleSize'>,
): Promise<string[]> {
  const typed = new Set(Object.keys(opts.types ?? {}).map((n) => n.toLowerCase()));
  const text = d.types.flatMap((t, i) => (t === 'VARCHAR' && !typed.has((d.names[i] ?? '').toLowerCase()) ? [i] : []));
  if (text.length === 0) return [];
  const col = (i: number) => quoteIdent(`c${i}`);
  const fits = (kind: Kind, c: string): string => {
    if (kind === 'number') return `TRY_CAST(${c} AS DOUBLE) IS NOT NULL`;
    const format = kind === 'date' ? d.dateFormat : d.timestampFormat;
    const type = kind === 'date' ? 'DATE' : 'TIMESTAMP';
    if (format) return `try_strptime(${c}, ${quoteLiteral(format)}) IS NOT NULL`;
    // DuckDB casts a timestamp's text to a DATE too (dropping the time): a date is only the date part.
    const dateOnly = kind === 'date' ? ` AND regexp_full_match(trim(${c}), '\\d{4}-\\d{1,2}-\\d{1,2}')` : '';
    return `TRY_CAST(${c} AS ${type}) IS NOT NULL${dateOnly}`;
  };
  const picks = text.flatMap((i) => [
    `count(${col(i)}) AS ${quoteIdent(`n${i}`)}`,
    ...KINDS.flatMap(({ kind }) => {
      const ok = fits(kind, col(i));
      return [
        `count(*) FILTER (WHERE ${ok}) AS ${quoteIdent(`${kind}${i}`)}`,
        `min(_line) FILTER (WHERE ${col(i)} IS NOT NULL AND NOT (${ok})) AS ${quoteIdent(`${kind}_line${i}`)}`,
        `list(DISTINCT ${col(i)}) FILTER (WHERE ${col(i)} IS NOT NULL AND NOT (${ok}))[1:3] AS ${quoteIdent(`${kind}_bad${i}`)}`,
      ];
    }),
  ]);
  const columns = d.names.map((_, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  // A record's line: the header, the records before it, and the line breaks inside their values.
  const breaks = d.names.map((_, i) => `coalesce(length(${col(i)}) - length(replace(${col(i)}, chr(10), '')), 0)`).join(' + ');
  const limit = (opts.sampleSize ?? 0) < 0 ? '' : ` LIMIT ${Math.trunc(opts.sampleSize ?? 20480)}`;
  // Only a hint: a file DuckDB cannot read this way is left to the reader, which says why.
  const rows = await engine.allJson<Record<string, unknown>>(
    `SELECT ${picks.join(', ')} FROM (
       SELECT *, ${d.header ? 1 : 0} + _rn + coalesce(sum(${breaks}) OVER (ORDER BY _rn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS _line
       FROM (SELECT *, row_number() OVER () AS _rn FROM (SELECT * FROM read_csv(${quoteFilePath(path)}, columns = {${columns}}, header = ${d.header}, auto_detect = false, hive_partitioning = false,
         delim = ${quoteLiteral(d.delimiter)}, quote = '"', escape = '"', strict_mode = false, null_padding = true, parallel = false,
         ignore_errors = true, compression = ${compressionArg(compression)}${nullstr(d.nulls)})${limit})))`,
  ).catch(() => []);
  const row = rows[0] ?? {};
  return text.flatMap((i) => {
    const n = Number(row[`n${i}`] ?? 0);
    const best = KINDS.map((k) => ({ ...k, ok: Number(row[`${k.kind}${i}`] ?? 0) }))
      .filter((k) => k.ok > 0 && k.ok < n && k.ok * 2 > n)
      .sort((a, b) => b.ok - a.ok)[0];
    if (!best) return [];
    const name = d.names[i] ?? '';
    const bad = (row[`${best.kind}_bad${i}`] as string[] | null) ?? [];
    const line = Number(row[`${best.kind}_line${i}`]);
    const tokens = bad.join(',');
    return [
      `${path}: column ${name} inferred as text: ${notOfKind(best.kind, n - best.ok, bad)}; ` +
        `see line ${line}; use --nulls ${JSON.stringify(tokens)} or --types ${name}=${best.type}` +
        (best.kind !== 'number' ? ` (with --${best.kind}-format if its values are not ISO 8601)` : ''),
    ];
  });
}
